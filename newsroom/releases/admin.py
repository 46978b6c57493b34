"""The press releases' admin: an unregistered `PressReleaseAdmin` and the `ReleaseMediaGuard`
mixin for the media bank's admins. `newsroom.site.admin` composes and registers them.

Its extra pages (workflow, revisions, restore, preview) are in `admin_views.py`; every change
goes through `services.py`.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from js_asset import InlineStyle
from js_asset import Media as JsAssetMedia

from newsroom.core.admin_tools import (
    ExistsRelatedFilter,
    LargeTableAdminMixin,
    ObjectTool,
    ObjectToolsMixin,
    YearListFilter,
    error_text,
)

from . import admin_views, services
from .forms import PressReleaseAdminForm
from .models import PressRelease, Quote, ReleaseContact, ReleaseImage

Status = PressRelease.Status


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0
    fields = ["text", ("speaker", "party"), ("role", "organisation"), "order"]


# Inline rows whose chosen contact or image costs no query each --------------------------
# Django's autocomplete select looks its chosen object up once per row, and a read-only row
# loads it to print it: the change form of a release with 11 contacts and 11 images took 63
# queries instead of 23 (a press officer's read-only view: 41 instead of 21). The rows come
# with their objects (`select_related`) and each row's form hands its object to the widget.


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select, showing its chosen object from `chosen` if it is that."""

    chosen = None

    def optgroups(self, name, value, attr=None):
        chosen = self.chosen
        picked = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if chosen is None or picked != [str(chosen.pk)]:
            return super().optgroups(name, value, attr)  # e.g. a row changed in a bad POST
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(chosen)
        options.append(self.create_option(name, chosen.pk, label, True, len(options)))
        return [(None, options, 0)]


class PreloadedRowForm(forms.ModelForm):
    """An inline row that gives its autocomplete widgets the objects it already holds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the "+" wrapper
            if isinstance(widget, PreloadedAutocompleteSelect) and self.instance.pk:
                widget.chosen = getattr(self.instance, name)


class PreloadedAutocompleteInline(admin.TabularInline):
    form = PreloadedRowForm

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.autocomplete_fields)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReleaseContactInline(PreloadedAutocompleteInline):
    model = ReleaseContact
    extra = 1
    autocomplete_fields = ["contact"]


class ReleaseImageInline(PreloadedAutocompleteInline):
    model = ReleaseImage
    extra = 1
    autocomplete_fields = ["image"]


class PublishedYearFilter(YearListFilter):
    field_name = "published_at"


class PressReleaseAdmin(LargeTableAdminMixin, ObjectToolsMixin, admin.ModelAdmin):
    form = PressReleaseAdminForm
    change_form_template = "admin/releases/pressrelease/change_form.html"
    list_display = ["title", "kind", "language", "status_badge", "public_date", "updated_at"]
    list_filter = [
        "status",
        "kind",
        "language",
        PublishedYearFilter,
        ExistsRelatedFilter.on("tags", gettext_lazy("tags"), "tag"),
        ExistsRelatedFilter.on("municipalities__county", gettext_lazy("county"), "county"),
        ExistsRelatedFilter.on("municipalities", gettext_lazy("municipalities"), "municipality"),
    ]
    # Titles only (every word, anywhere in the title): a trigram index serves it on
    # PostgreSQL (migration 0006). Bodies are searched on the public search page, whose
    # full-text index ranks them; `icontains` over 100,000 bodies reads them all.
    search_fields = ["title"]
    autocomplete_fields = [
        "municipalities",
        "visit",
        "funding_round",
        "translation_of",
        "documents",
    ]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuoteInline, ReleaseContactInline, ReleaseImageInline]
    actions = ["submit_selected", "publish_selected", "unschedule_selected"]
    fieldsets = [
        (
            None,
            {"fields": [*services.CONTENT_FIELDS, "base_version"]},
        ),
        (gettext_lazy("Links"), {"fields": list(services.LINK_FIELDS)}),
        (gettext_lazy("About us"), {"fields": ["boilerplate"], "classes": ["collapse"]}),
        (
            gettext_lazy("Publication"),
            {
                "fields": [
                    "status_badge",
                    "publish_at",
                    "published_at",
                    "send_notification",
                    "update_note",
                ],
                "description": gettext_lazy(
                    "The status changes on the “Review and publish” page, never here."
                ),
            },
        ),
        (
            gettext_lazy("History"),
            {
                "fields": ["created_at", "created_by", "updated_at", "updated_by"],
                "classes": ["collapse"],
            },
        ),
    ]

    class Media:
        # Status badges (the list too), panels, diffs and the object tools' buttons.
        css = {"all": ["admin-newsroom/editorial.css", "admin-newsroom/tiptap.css"]}

    # Permissions --------------------------------------------------------------------

    def has_publish_permission(self, request, obj=None):
        return services.can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and services.can_edit(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = [
            "status_badge",
            "publish_at",
            "published_at",
            "created_at",
            "created_by",
            "updated_at",
            "updated_by",
        ]
        if not services.can_publish(request.user):
            fields.append("send_notification")
        return fields

    # Columns ------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("date"), ordering="published_at")
    def public_date(self, obj):
        return obj.public_date

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj):
        if obj is None or obj.pk is None:
            return _("Draft")
        label = obj.get_status_display()
        if obj.status == Status.SCHEDULED and obj.is_public:
            label = _("Published (was scheduled)")
        return format_html('<span class="status-badge status-{}">{}</span>', obj.status, label)

    # Saving: through the services, which lock, compare versions and record revisions ----

    def save_model(self, request, obj, form, change):
        pass  # saved with its relations by `save_related`, in one service call

    def save_related(self, request, form, formsets, change):
        release = form.instance
        if not change:
            save_all = super().save_related  # the form's many-to-many fields and the inlines
            services.release_create(
                release=release,
                by=request.user,
                save_relations=lambda _release: save_all(request, form, formsets, change),
            )
            return

        def save_inlines(_release):
            for formset in formsets:
                self.save_formset(request, form, formset, change=change)

        services.release_edit(
            release=release,
            by=request.user,
            base_version=form.cleaned_data["base_version"],
            changes={
                name: value
                for name, value in form.cleaned_data.items()
                if name in services.EDITABLE_FIELDS
            },
            save_relations=save_inlines,
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StaleEdit as stale:
            # Nothing was saved (the view's transaction rolled back). Show the form again
            # with what was posted, the refusal and what changed meanwhile.
            request.stale_edit = stale
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        stale = getattr(request, "stale_edit", None)
        if stale is not None:
            form = type(form.__name__, (form,), {"stale_edit": stale})
        return form

    def _submit_after_save(self, request, obj):
        try:
            services.release_submit(release=obj, by=request.user)
        except ValidationError as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return False
        self.message_user(
            request,
            _("“%(title)s” was submitted for review.") % {"title": obj.title},
            messages.SUCCESS,
        )
        return True

    def response_add(self, request, obj, post_url_continue=None):
        if "_submit_for_review" in request.POST and self._submit_after_save(request, obj):
            return HttpResponseRedirect(admin_views.workflow_url(obj))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_submit_for_review" in request.POST and self._submit_after_save(request, obj):
            return HttpResponseRedirect(admin_views.workflow_url(obj))
        return super().response_change(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        release = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if release is not None:
            extra_context.update(admin_views.workflow_context(request, release))
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        adminform = context.get("adminform")
        if adminform is not None:
            context["changes_meanwhile"] = getattr(adminform.form, "changes_meanwhile", None)
        context["can_submit"] = (
            obj is None or obj.status == Status.DRAFT
        ) and self.has_change_permission(request, obj)
        # The rich-text editor under the Content-Security-Policy: its import map is an
        # inline script, run with this request's nonce; tiptap would inject its base styles
        # as an inline <style>, but finds this nonce'd placeholder and uses it instead (the
        # styles themselves come from admin-newsroom/tiptap.css).
        context["media"] = (
            JsAssetMedia.from_media(context["media"])
            + JsAssetMedia(css={"all": [InlineStyle("", **{"data-tiptap-style": True})]})
        ).with_nonce(request.csp_nonce)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_object_tools(self, request, obj):
        return [
            *super().get_object_tools(request, obj),
            ObjectTool(_("Review and publish"), admin_views.workflow_url(obj)),
            ObjectTool(
                _("Revisions"), reverse("admin:releases_pressrelease_revisions", args=[obj.pk])
            ),
            ObjectTool(_("Preview"), reverse("admin:releases_pressrelease_preview", args=[obj.pk])),
        ]

    # Actions ------------------------------------------------------------------------

    def _run_action(self, request, queryset, service, done_message, **kwargs):
        """Run the service on each release on its own; say which were done and why not the rest.

        A release the user may not change (a press officer and a scheduled release) is
        refused like one whose state does not allow the step: the others still go through,
        and every refusal is named in a message.
        """
        done, refused = 0, []
        for release in queryset:
            try:
                service(release=release, by=request.user, **kwargs)
                done += 1
            except ValidationError as error:
                refused.append(f"“{release.title}”: {error_text(error)}")
            except PermissionDenied as error:
                reason = str(error) or _("You may not change this release.")
                refused.append(f"“{release.title}”: {reason}")
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(
        description=gettext_lazy("Submit selected releases for review"), permissions=["change"]
    )
    def submit_selected(self, request, queryset):
        self._run_action(
            request,
            queryset,
            services.release_submit,
            lambda n: (
                ngettext(
                    "%(count)d release submitted for review.",
                    "%(count)d releases submitted for review.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(
        description=gettext_lazy("Publish selected releases now"), permissions=["publish"]
    )
    def publish_selected(self, request, queryset):
        """First a page that lists the releases as they are, then, once confirmed there, each
        is published if it is still the version shown (`StaleEdit` names the others)."""
        if request.POST.get("post") != "yes":
            return admin_views.publish_selected_confirmation(self, request, queryset)
        seen = admin_views.versions_seen(request.POST)

        def publish_seen(*, release, by):
            if release.pk not in seen:
                raise services.TransitionError(
                    _("It was not on the confirmation page: nothing was done."), code="unseen"
                )
            return services.release_publish(release=release, by=by, base_version=seen[release.pk])

        self._run_action(
            request,
            queryset,
            publish_seen,
            lambda n: (
                ngettext("%(count)d release published.", "%(count)d releases published.", n)
                % {"count": n}
            ),
        )

    @admin.action(
        description=gettext_lazy("Unschedule selected releases (back to draft)"),
        permissions=["publish"],
    )
    def unschedule_selected(self, request, queryset):
        self._run_action(
            request,
            queryset,
            services.release_unschedule,
            lambda n: (
                ngettext("%(count)d release unscheduled.", "%(count)d releases unscheduled.", n)
                % {"count": n}
            ),
        )

    # Extra pages (admin_views.py) ------------------------------------------------------

    def get_urls(self):
        def view(view_class):
            return self.admin_site.admin_view(view_class.as_view(model_admin=self))

        return [
            path(
                "<int:pk>/workflow/",
                view(admin_views.WorkflowView),
                name="releases_pressrelease_workflow",
            ),
            path(
                "<int:pk>/revisions/",
                view(admin_views.RevisionsView),
                name="releases_pressrelease_revisions",
            ),
            path(
                "<int:pk>/revisions/<int:version>/restore/",
                view(admin_views.RestoreView),
                name="releases_pressrelease_restore",
            ),
            path(
                "<int:pk>/preview/",
                view(admin_views.PreviewView),
                name="releases_pressrelease_preview",
            ),
            *super().get_urls(),
        ]


class ReleaseMediaGuard:
    """For the media bank's admins: media that a release outside review shows (scheduled,
    published, withdrawn) change only with the publish permission, as the release itself.

    The media bank knows nothing of releases (releases depend on it), so the rule is a mixin
    here, which `newsroom.site.admin` puts on the media bank's admins.
    """

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and services.can_change_media(
            request.user, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and services.can_change_media(
            request.user, obj
        )
