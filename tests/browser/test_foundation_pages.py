"""The two foundation pages in a real browser, with an accessibility audit each."""

import pytest


@pytest.mark.parametrize("language", ["sv", "en"])
def test_home_page_passes_axe(page, live_server, demo_site, axe_audit, language):
    page.goto(f"{live_server.url}/{language}/")
    assert page.locator("h1").count() == 1
    axe_audit(page)


def test_reader_reads_the_borlange_release_and_its_translation(
    page, live_server, demo_site, axe_audit
):
    page.goto(f"{live_server.url}/sv/releases/delegationen-mot-segregation-besoker-borlange/")
    assert page.locator("h1").inner_text() == "Delegationen mot segregation besöker Borlänge"
    assert page.get_by_text("kommunstyrelsens ordförande").is_visible()
    axe_audit(page)
    page.get_by_role("link", name="Read in English").click()
    assert (
        page.locator("h1").inner_text() == "The Swedish Agency against Segregation visits Borlänge"
    )
    axe_audit(page)
