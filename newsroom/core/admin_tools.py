"""What every app's admin uses: object-tool buttons from a list, the editorial pages' context,
and one way to show a service's refusal on a form.

Apps export mixins and unregistered `ModelAdmin` classes built on these; the project-level
`newsroom.site.admin` composes and registers them.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


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


# Changelists of large tables --------------------------------------------------------------
# At 100,000 releases or subscribers Django's defaults cost seconds a page: a filter or a
# search through a many-to-many relation joins it, so the changelist sorts every matching row
# for DISTINCT; RelatedOnlyFieldListFilter reads the whole relation for its choices;
# date_hierarchy reads every matching row for its years; and the paginator counts every
# matching row. These cost the same whatever the table's size.


class CappedCountPaginator(Paginator):
    """Counts the rows up to `limit` only; beyond that the changelist says "more than".

    `COUNT(*)` over a large, filtered and searched table reads every matching row; counting
    at most `limit` of them stops early. Pages up to `limit` are reachable, as many as an
    editor browses before narrowing the list with a filter or a search. `capped` tells the
    templates (admin/pagination.html, admin/actions.html) that there are more.
    """

    limit = 1000

    @cached_property
    def _counted(self):
        return self.object_list.order_by().values("pk")[: self.limit + 1].count()

    @property
    def count(self):
        return min(self._counted, self.limit)

    @property
    def capped(self):
        return self._counted > self.limit


class LargeTableAdminMixin:
    """What a changelist of a large table needs: a capped count, no count of the whole table."""

    paginator = CappedCountPaginator
    show_full_result_count = False


class ExistsRelatedFilter(admin.SimpleListFilter):
    """A list filter through a many-to-many relation, for large tables.

    `path` is the lookup from the changelist's model to the objects chosen from: "tags",
    "municipalities" or "municipalities__county". The rows are filtered with EXISTS over the
    relation's own table, not a join, so each row comes once and the changelist needs no
    DISTINCT; the choices are the objects used at least once, one EXISTS each (an index
    look-up per choice, however many rows use it). A value that is not one of the choices
    is Django's "incorrect lookup" (the changelist reloads with an error flag), never a 500.
    Make one with `ExistsRelatedFilter.on(path, title, parameter_name)`.
    """

    path = None
    choice_ordering = ("name",)

    @classmethod
    def on(cls, path, title, parameter_name):
        attrs = {"path": path, "title": title, "parameter_name": parameter_name}
        return type(f"{parameter_name.title()}Filter", (cls,), attrs)

    def __init__(self, request, params, model, model_admin):
        relation, *rest = self.path.split(LOOKUP_SEP)
        field = model._meta.get_field(relation)
        self.through = field.remote_field.through

        def key_to(target):
            return next(
                f.name
                for f in self.through._meta.get_fields()
                if f.many_to_one and f.related_model is target
            )

        self.source = key_to(model)
        self.target = LOOKUP_SEP.join([key_to(field.related_model), *rest])
        self.choice_model = get_fields_from_path(model, self.path)[-1].related_model
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        used = self.through.objects.filter(**{self.target: OuterRef("pk")})
        choices = self.choice_model.objects.filter(Exists(used)).order_by(*self.choice_ordering)
        return [(str(choice.pk), str(choice)) for choice in choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value not in dict(self.lookup_choices):
            raise IncorrectLookupParameters(value)
        rows = self.through.objects.filter(**{self.source: OuterRef("pk"), self.target: value})
        return queryset.filter(Exists(rows))


class YearListFilter(admin.SimpleListFilter):
    """The years of a date-time field, instead of `date_hierarchy`, whose first level reads
    every matching row (a MIN, a MAX and a DISTINCT over the year of each). The choices run
    from the first year to the last (two look-ups at the ends of an index on the field);
    the filter is a range of the field, which that index serves."""

    title = gettext_lazy("year")
    parameter_name = "year"
    field_name = None

    def lookups(self, request, model_admin):
        dated = model_admin.model._default_manager.filter(**{f"{self.field_name}__isnull": False})
        first = dated.order_by(self.field_name).values_list(self.field_name, flat=True).first()
        last = dated.order_by(f"-{self.field_name}").values_list(self.field_name, flat=True)
        last = last.first()
        if first is None:
            return []
        first, last = timezone.localtime(first).year, timezone.localtime(last).year
        return [(str(year), str(year)) for year in range(last, first - 1, -1)]

    def queryset(self, request, queryset):
        try:
            year = int(self.value() or "")
            start = timezone.make_aware(dt.datetime(year, 1, 1))
            end = timezone.make_aware(dt.datetime(year + 1, 1, 1))
        except (ValueError, OverflowError):
            return queryset if self.value() is None else queryset.none()
        return queryset.filter(**{f"{self.field_name}__gte": start, f"{self.field_name}__lt": end})
