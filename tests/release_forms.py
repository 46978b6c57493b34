"""What the press releases' admin forms post, for the tests that post them."""

from django.urls import reverse

INLINES = ("quotes", "releasecontact_set", "releaseimage_set")


def no_inline_rows():
    """The inline formsets' management forms with no row: rows already stored stay as they are."""
    return {f"{prefix}-{count}_FORMS": "0" for prefix in INLINES for count in ("TOTAL", "INITIAL")}


def new_release_data(*, contact=None, **fields):
    """A new release as the add form posts it; with `contact`, one press contact row."""
    data = {
        "kind": "press_release",
        "language": "sv",
        "title": "Ny release",
        "slug": "",
        "lead": "Ingress.",
        "body": "<p>Text</p>",
        "tags": "",
        "boilerplate": "",
        "update_note": "",
        **no_inline_rows(),
    }
    if contact is not None:
        data.update(
            {
                "releasecontact_set-TOTAL_FORMS": "1",
                "releasecontact_set-0-contact": contact.pk,
                "releasecontact_set-0-order": "0",
            }
        )
    data.update(fields)
    return data


def change_url(release):
    return reverse("admin:releases_pressrelease_change", args=[release.pk])


def change_form_data(client, release, **overrides):
    """What the change form, as the client is shown it, posts unchanged (the version it
    started from included), with `overrides` changed; no inline rows."""
    form = client.get(change_url(release)).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if name == "tags":
            value = ", ".join(t.name for t in value) if not isinstance(value, str) else value
        if isinstance(value, list | tuple):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = value
    return {**data, **no_inline_rows(), **overrides}
