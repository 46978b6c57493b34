"""Reports, errors and query counts of the public pages (the demo pages: test_demo_pages.py)."""

import pytest
from django.urls import reverse

from newsroom.core.models import ContentReport
from tests.conftest import attach_images
from tests.html import hrefs, parse
from tests.queries import count_queries

# Report this content ---------------------------------------------------------------------


def report(client, headers=None, **fields):
    data = {"reason": "error", "message": "Fel datum.", "page_url": "/sv/x/", **fields}
    return client.post(reverse("core:report"), data, **(headers or {}))


def test_report_is_stored_and_thanked(client, agency):
    response = report(client, email="journalist@example.se", page_title="Besök")
    assert response.status_code == 302
    assert response["Location"].startswith("/sv/report/thanks/")
    stored = ContentReport.objects.get()
    assert (stored.reason, stored.message, stored.email, stored.page_url) == (
        "error",
        "Fel datum.",
        "journalist@example.se",
        "/sv/x/",
    )
    assert stored.status == ContentReport.Status.NEW
    thanks = client.get(response["Location"])
    assert "/sv/x/" in hrefs(parse(thanks))


def test_report_of_a_page_with_a_query_string_keeps_it_on_the_way_back(client, agency):
    from django.core.cache import cache

    cache.clear()
    page = "/sv/releases/?tag=a&year=2020"
    response = report(client, page_url=page)
    assert response.status_code == 302
    assert response["Location"].endswith("?page=%2Fsv%2Freleases%2F%3Ftag%3Da%26year%3D2020")
    assert ContentReport.objects.get().page_url == page
    thanks = client.get(response["Location"])
    assert thanks.context["back_url"] == page
    assert "/sv/releases/?tag=a&year=2020" in hrefs(parse(thanks))


def test_footer_report_link_carries_the_page_with_its_query_string(client, agency):
    page = parse(client.get("/sv/releases/?kind=news&year=2020"))
    report_link = "/sv/report/?page=%2Fsv%2Freleases%2F%3Fkind%3Dnews%26year%3D2020"
    assert report_link in hrefs(page, ".site-footer a")
    form = client.get("/sv/report/?page=%2Fsv%2Freleases%2F%3Fkind%3Dnews%26year%3D2020")
    assert form.context["form"]["page_url"].value() == "/sv/releases/?kind=news&year=2020"


def test_report_form_errors_are_summarised(client, agency):
    page = parse(report(client, reason="", message="", email="inte-en-adress"))
    summary = page.select_one(".error-summary[role=alert]")
    assert hrefs(summary) == ["#id_reason", "#id_message", "#id_email"]
    # Each field as every public form renders it (includes/forms/field.html): its error
    # beside it, and the field marked.
    for name in ("reason", "message", "email"):
        field = page.select_one(f"#id_{name}").find_parent(class_="field")
        assert "field--error" in field["class"]
        assert field.select_one(f"#id_{name}-error.field__error")
    assert not ContentReport.objects.exists()


def test_public_forms_share_one_field_template_and_error_summary(client, agency):
    from django.core.cache import cache

    cache.clear()
    subscribe = parse(client.post("/sv/subscribe/", {"email": "x"}), status=400)
    summary = subscribe.select_one(".error-summary[role=alert]")
    assert "#id_email" in hrefs(summary)
    # The consent's long label is shortened in the summary.
    assert any(a.get_text().startswith("Samtycke:") for a in summary.select("a"))
    assert subscribe.select_one("#id_email-error.field__error")
    report_page = parse(report(client, reason=""))
    assert report_page.select_one("#id_reason-error.field__error")


def test_report_refuses_another_host(client, agency):
    response = report(client, page_url="https://evil.example/")
    assert response.status_code == 200
    assert not ContentReport.objects.exists()


# Addresses a browser reads as another host: tab/newline dropped, backslash as slash, etc.
OFF_SITE = [
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r/evil.example/",
    "\t//evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\/evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example/",
]


@pytest.mark.parametrize("page_url", OFF_SITE)
def test_report_refuses_an_address_a_browser_reads_as_another_host(client, agency, page_url):
    from django.core.cache import cache

    cache.clear()
    response = report(client, page_url=page_url)
    assert response.status_code == 200
    assert "#id_page_url" in hrefs(parse(response), ".error-summary a")
    assert not ContentReport.objects.exists()
    assert _off_site_links(response) == []


def _off_site_links(response):
    """Every link of the page that leaves the site (anchors, query strings, site paths stay)."""

    from newsroom.core.forms import is_local_path

    links = hrefs(parse(response, status=response.status_code))
    return [link for link in links if not (link[:1] in {"#", "?"} or is_local_path(link))]


@pytest.mark.parametrize("page_url", OFF_SITE)
def test_report_pages_never_link_off_site(client, agency, page_url):
    from urllib.parse import quote

    for path in ("/sv/report/thanks/?page=", "/sv/report/?page="):
        response = client.get(path + quote(page_url, safe=""))
        assert response.status_code == 200
        assert _off_site_links(response) == [], path
    # The thanks page then offers the way back to the newsroom.
    thanks = client.get("/sv/report/thanks/?page=" + quote(page_url, safe=""))
    assert "/sv/" in hrefs(parse(thanks), "main a[href]")


def test_report_pages_link_back_to_a_path_on_this_site(client, agency):
    assert "/sv/x/" in hrefs(parse(client.get("/sv/report/thanks/?page=/sv/x/")))
    assert "/sv/x/" in hrefs(parse(client.get("/sv/report/?page=/sv/x/")))


@pytest.mark.parametrize("page_url", ["/\t/evil.example/", "https://evil.example/"])
def test_content_report_admin_does_not_link_a_stored_off_site_address(
    admin_client, agency, page_url
):
    # Stored before the form checked the address: shown as text, not as a link.
    report = ContentReport.objects.create(page_url=page_url, reason="error", message="Fel.")
    for path in (
        "/admin/core/contentreport/",
        f"/admin/core/contentreport/{report.pk}/change/",
    ):
        response = admin_client.get(path)
        assert response.status_code == 200
        assert _off_site_links(response) == [], path


def test_report_is_rate_limited_per_client(client, agency):
    from django.core.cache import cache

    cache.clear()
    for _ in range(5):
        assert report(client).status_code == 302
    limited = parse(report(client), status=429)
    assert "vänta en timme" in limited.select_one(".error-summary li").get_text().lower()
    assert ContentReport.objects.count() == 5
    # Another client is not affected.
    other = client.post(
        reverse("core:report"),
        {"reason": "other", "message": "Hej", "page_url": "/sv/"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 302
    cache.clear()


def test_rate_limit_behind_a_proxy_uses_the_configured_header(client, agency, settings):
    from django.core.cache import cache

    cache.clear()
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for _ in range(5):
        assert report(client, {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 10.0.0.1"}).status_code == 302
    assert report(client, {"HTTP_X_FORWARDED_FOR": "9.9.9.9, 10.0.0.1"}).status_code == 429
    assert report(client, {"HTTP_X_FORWARDED_FOR": "10.0.0.2"}).status_code == 302
    cache.clear()


def test_release_page_links_to_the_report_form_with_the_page_filled_in(
    client, agency, make_release
):
    release = make_release(title="Rätt & fel")
    content = client.get(release.get_absolute_url()).content.decode()
    path = release.get_absolute_url()
    link = f'href="/sv/report/?page={path.replace("/", "%2F")}&amp;title=R%C3%A4tt%20%26%20fel"'
    assert link in content
    form = client.get(f"/sv/report/?page={path}&title=R%C3%A4tt%20%26%20fel")
    assert form.context["form"]["page_url"].value() == path
    assert form.context["form"]["page_title"].value() == "Rätt & fel"
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()


def test_content_report_admin(admin_client, agency):
    ContentReport.objects.create(page_url="/sv/x/", reason="error", message="Fel.")
    response = admin_client.get("/admin/core/contentreport/")
    assert response.status_code == 200 and "/sv/x/" in response.content.decode()


# Errors ----------------------------------------------------------------------------------


def test_404_page_is_in_the_site_style(client, agency):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    page = parse(response, status=404)
    assert page.html["lang"] == "en" and page.select_one(".site-header")
    assert "/en/releases/" in hrefs(page, "main a[href]")


def test_500_page_renders_without_context(settings):
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "<h1>" in html and "/static/css/newsroom.css" in html


@pytest.mark.parametrize(
    "path",
    [
        "/sv/releases/?older=abc",
        "/sv/releases/?newer=99999",
        "/sv/tags/finns-inte/",
        "/sv/municipalities/9999/",
        "/sv/visits/finns-inte/",
        "/sv/visits/finns-inte.ics",
        "/sv/funding/finns-inte/",
        "/sv/contacts/abc/",
        "/sv/images/999999/",
        "/sv/feeds/rss/kind/x/",
    ],
)
def test_bad_addresses_are_404_not_500(client, agency, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/sv/search/?q=" + "å" * 5000,
        "/sv/search/?q=%01%02",  # a NUL is a 400 everywhere: tests/core/test_bad_addresses.py
        "/sv/search/?q=" + "%27%22%3B--+%3Cscript%3E",
        "/sv/search/?q=a&year=x&page=1",
        "/sv/visits/?municipality=abc",
        "/sv/report/?page=//evil.example/",
    ],
)
def test_bad_query_strings_give_the_page(client, agency, path):
    assert client.get(path).status_code == 200


# Query counts ----------------------------------------------------------------------------

# What each page costs, whatever the number of items on it (agency, lists, prefetches).
# The one place each page's count is asserted (the home page's included).
EXPECTED_QUERIES = {
    "home": 6,
    "release list": 9,
    "search": 9,
    "tag": 5,
    "municipality index": 3,
    "municipality": 6,
    "county": 4,
    "visits": 6,
    "visit": 5,
    "funding rounds": 2,
    "funding round": 3,
    "contacts": 2,
    "contact": 4,
    "image bank": 3,
    "image": 3,
    "feed": 3,
    "tag feed": 4,
    "sitemap": 8,
}


def test_every_list_and_detail_page_costs_a_fixed_number_of_queries(
    client, agency, make_release, make_visit, make_grant, make_contact, make_image, borlange
):
    from municipalities.models import County, Municipality

    funding_round = make_grant().funding_round
    visit = make_visit(title="Besöket")
    visit.topics.add("tema")
    contact = make_contact()
    image = make_image()
    attach_images(
        make_release(tags=["tema"], municipalities=[borlange], visit=visit, contacts=[contact]),
        image,
    )
    pages = {
        "home": "/sv/",
        "release list": "/sv/releases/",
        "search": "/sv/search/?q=pressmeddelande",
        "tag": "/sv/tags/tema/",
        "municipality index": "/sv/municipalities/",
        "municipality": f"/sv/municipalities/{borlange.slug}/",
        "county": "/sv/counties/dalarnas-lan/",
        "visits": "/sv/visits/",
        "visit": f"/sv/visits/{visit.slug}/",
        "funding rounds": "/sv/funding/",
        "funding round": f"/sv/funding/{funding_round.slug}/",
        "contacts": "/sv/contacts/",
        "contact": f"/sv/contacts/{contact.pk}/",
        "image bank": "/sv/images/",
        "image": f"/sv/images/{image.pk}/",
        "feed": "/sv/feeds/rss/",
        "tag feed": "/sv/feeds/atom/tag/tema/",
        "sitemap": "/sitemap.xml",
    }
    before = {name: count_queries(client, path) for name, path in pages.items()}

    county = County.objects.get(code="20")
    for n in range(6):
        municipality = Municipality.objects.create(
            code=f"20{90 + n}", name=f"Kommun {n}", slug=f"kommun-{n}", county=county
        )
        extra_visit = make_visit(title=f"Besök {n}", municipality=municipality)
        extra_visit.topics.add("tema")
        make_visit(title=f"Besök igen {n}")
        make_grant(municipality=municipality, amount=1000 * n + 1)
        make_grant(year=2019 + n % 2, municipality=municipality, amount=500)
        make_contact()
        release = make_release(
            tags=["tema", f"extra{n}"],
            municipalities=[borlange, municipality],
            visit=visit,
            contacts=[contact],
        )
        attach_images(release, image, make_image())
    after = {name: count_queries(client, path) for name, path in pages.items()}
    assert before == EXPECTED_QUERIES
    assert after == before
