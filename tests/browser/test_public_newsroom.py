"""The public newsroom in a real browser: a journalist's errand, and axe on every page type."""

import pytest

PAGE_TYPES = {
    "home": "/",
    "release list": "/releases/",
    "filtered release list with an error": "/releases/?kind=news&year=x",
    "release": "/releases/delegationen-mot-segregation-besoker-borlange/",
    "search": "/search/?q=segregation",
    "tag": "/tags/segregation/",
    "municipality index": "/municipalities/",
    "municipality": "/municipalities/borlange/",
    "county": "/counties/dalarnas-lan/",
    "visits": "/visits/",
    "visit": "/visits/2018-11-28-besok-i-borlange/",
    "funding rounds": "/funding/",
    "funding round": "/funding/sarskilt-stod-2018-2020/",
    "contacts": "/contacts/",
    "contact": "/contacts/1/",
    "image bank": "/images/",
    "image": "/images/1/",
    "accessibility statement": "/accessibility/",
    "report form": "/report/?page=/sv/",
    "not found": "/no-such-page/",
}


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_every_public_page_type_passes_axe(shared_page, live_server, axe_audit, name, language):
    shared_page.goto(f"{live_server.url}/{language}{PAGE_TYPES[name]}")
    assert shared_page.locator("h1").count() == 1
    axe_audit(shared_page)


def test_report_error_and_thanks_pages_pass_axe(page, live_server, demo_site, axe_audit):
    page.goto(f"{live_server.url}/sv/releases/delegationen-mot-segregation-besoker-borlange/")
    page.locator("p.report a").click()
    page.get_by_role("button", name="Skicka rapporten").click()  # empty: errors
    assert page.locator(".error-summary").is_visible()
    axe_audit(page)
    page.locator("#id_reason").select_option("error")
    page.locator("#id_message").fill("Datumet stämmer inte.")
    page.get_by_role("button", name="Skicka rapporten").click()
    assert "/report/thanks/" in page.url
    axe_audit(page)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_at_320_pixels_nothing_overflows(page, live_server, demo_site, language):
    page.set_viewport_size({"width": 320, "height": 800})
    for path in PAGE_TYPES.values():
        page.goto(f"{live_server.url}/{language}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 320, f"{path} is {overflow}px wide at 320"


def test_journalist_searches_filters_opens_and_downloads(page, live_server, demo_site):
    page.goto(f"{live_server.url}/sv/")
    # Search from the box on every page.
    page.locator("#site-search-q").fill("Borlänge")
    page.locator("#site-search-q").press("Enter")
    assert "/sv/search/" in page.url
    results = page.locator(".release-card__title a")
    assert results.count() >= 1
    assert page.locator(".snippet mark").count() >= 1
    # Narrow the results: kind and year, combined with the query.
    page.locator("#id_kind").select_option("press_release")
    page.locator("#id_year").select_option("2018")
    page.locator(".filters button[type=submit]").click()
    assert "kind=press_release" in page.url and "year=2018" in page.url and "q=Borl" in page.url
    assert page.locator(".active-filters li").count() == 2
    page.locator(".release-card__title a").first.click()
    assert page.locator("h1").inner_text() == "Delegationen mot segregation besöker Borlänge"
    # The contact is beside the release, with a vCard to download.
    contact = page.locator(".release__aside .contact-card").first
    assert "Lena Holm" in contact.inner_text()
    with page.expect_download() as vcard_download:
        contact.locator(".contact-card__vcard").click()
    vcard = vcard_download.value
    assert vcard.suggested_filename == "lena-holm.vcf"
    text = open(vcard.path(), encoding="utf-8").read()
    assert "FN:Lena Holm" in text and "VERSION:4.0" in text
    # Download the release's image for publication.
    with page.expect_download() as image_download:
        page.locator(".release__media a[download]").first.click()
    image = image_download.value
    assert image.suggested_filename.endswith("-original.jpg")
    from PIL import Image as PILImage

    with PILImage.open(image.path()) as picture:
        assert picture.size == (1200, 800)


def test_journalist_downloads_a_web_size_from_the_image_bank(page, live_server, demo_site):
    page.goto(f"{live_server.url}/en/images/")
    assert page.locator(".image-card").count() >= 1
    page.locator(".image-card__title a").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Small").click()
    from PIL import Image as PILImage

    with PILImage.open(download.value.path()) as picture:
        assert max(picture.size) == 640


def test_a_release_prints_without_navigation_and_with_its_address(page, live_server, demo_site):
    page.goto(f"{live_server.url}/sv{PAGE_TYPES['release']}")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".share").is_visible()
    assert page.locator(".print-only").is_visible()
    assert page.locator(".release__aside .contact-card").first.is_visible()
