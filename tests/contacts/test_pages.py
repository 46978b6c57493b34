import pytest
import vobject

from newsroom.contacts.vcard import tel_uri
from tests.html import hrefs, parse


@pytest.mark.parametrize("language", ["sv", "en"])
def test_contact_list_shows_public_contacts_only(client, agency, make_contact, language):
    make_contact(name="Lena Holm", email="lena.holm@example.se", phone="070-174 06 10")
    make_contact(name="Hemlig Person", is_public=False)
    page = parse(client.get(f"/{language}/contacts/"))
    names = [p.get_text(strip=True) for p in page.select(".contact-card__name")]
    assert names == ["Lena Holm"]
    links = hrefs(page, ".contact-card a")
    assert "mailto:lena.holm@example.se" in links
    assert "tel:0701740610" in links
    assert any(link.endswith(".vcf") for link in links)


def test_contact_page_and_hidden_contact(client, agency, make_contact):
    contact = make_contact(name="Lena Holm")
    assert client.get(contact.get_absolute_url()).status_code == 200
    hidden = make_contact(is_public=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(hidden.get_vcard_url()).status_code == 404
    assert client.get("/sv/contacts/999999.vcf").status_code == 404


def test_vcard_is_rfc_6350_and_parses(client, agency, make_contact):
    contact = make_contact(
        name="Lena Holm",
        role="Pressansvarig, kommunikation",
        organisation="Delegationen mot segregation",
        email="lena.holm@example.se",
        phone="070-174 06 10",
    )
    response = client.get(contact.get_vcard_url())
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert 'filename="lena-holm.vcf"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert text.endswith("END:VCARD\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    card = vobject.readOne(text)
    assert card.fn.value == "Lena Holm"
    assert card.n.value.family == "Holm" and card.n.value.given == "Lena"
    assert card.email.value == "lena.holm@example.se"
    assert card.tel.value == "tel:+46701740610"
    assert card.title.value == "Pressansvarig, kommunikation"  # the comma was escaped
    assert card.org.value == ["Delegationen mot segregation"]
    # The same contact keeps the same UID.
    again = vobject.readOne(client.get(contact.get_vcard_url()).content.decode())
    assert again.uid.value == card.uid.value


@pytest.mark.parametrize(
    "phone, uri",
    [
        ("070-174 06 10", "tel:+46701740610"),
        ("+46 8 123 45", "tel:+46812345"),
        ("0046 8 1", "tel:+4681"),
    ],
)
def test_tel_uri(phone, uri):
    assert tel_uri(phone) == uri


def test_contacts_list_query_count_is_fixed(client, agency, make_contact):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_contact()
    with CaptureQueriesContext(connection) as few:
        client.get("/sv/contacts/")
    for _ in range(6):
        make_contact()
    with CaptureQueriesContext(connection) as many:
        client.get("/sv/contacts/")
    assert len(few) == len(many)


def test_contact_page_lists_their_public_releases(client, agency, make_contact, make_release):
    contact = make_contact(name="Lena Holm")
    make_release(title="Med Lena", contacts=[contact])
    make_release(title="Utkast med Lena", contacts=[contact], status="draft")
    response = client.get(contact.get_absolute_url())
    assert [r.title for r in response.context["releases"]] == ["Med Lena"]
