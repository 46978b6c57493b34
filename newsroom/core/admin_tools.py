"""What every app's admin uses: object-tool buttons from a list, the editorial pages' context,
and one way to show a service's refusal on a form.

Apps export mixins and unregistered `ModelAdmin` classes built on these; the project-level
`newsroom.site.admin` composes and registers them.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ObjectTool:
    """A button above an object's change form: a link, or a form posted to `url`."""

    label: str
    url: str
    post: bool = False


class ObjectToolsMixin:
    """Buttons above the change form come from `get_object_tools()`, a list that mixins extend.

    A mixin adds its buttons with `return [*super().get_object_tools(request, obj), ...]`;
    the editorial change form template shows them, whoever added them.
    """

    change_form_template = "admin/editorial/change_form.html"

    def get_object_tools(self, request, obj):
        return []

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["object_tools"] = self.get_object_tools(request, obj) if obj else []
        return super().render_change_form(request, context, add, change, form_url, obj)


def editorial_context(model_admin, request, *, title=None, original=None, page_name=None):
    """The context of an extra admin page built on `admin/editorial/base.html`.

    A page about one object (`original`) is titled by its name and the object's unless
    `title` says otherwise: "Revisions: <the release>".
    """
    if title is None:
        title = _("%(page)s: %(object)s") % {"page": page_name, "object": original}
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "original": original,
        "page_name": page_name or title,
    }


def add_service_error(form, error):
    """Show a service's `ValidationError` on the form: on its fields where they exist."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for field_error in errors:
                form.add_error(field if field in form.fields else None, field_error)
    else:
        for message in error.messages:
            form.add_error(None, message)


def error_text(error):
    """A `ValidationError`'s messages as one line, for the admin's message bar."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
