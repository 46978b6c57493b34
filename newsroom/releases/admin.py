from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from newsroom.mediabank.admin import DocumentAdmin, ImageAdmin
from newsroom.mediabank.models import Document, Image

from . import revisions, services
from .checklist import release_checklist
from .forms import CommentForm, PressReleaseAdminForm, ReturnForm, ScheduleForm, WithdrawForm
from .models import PressRelease, Quote, ReleaseContact, ReleaseImage, ReleaseRevision
from .preview import preview_url, render_preview

Status = PressRelease.Status


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0
    fields = ["text", ("speaker", "party"), ("role", "organisation"), "order"]


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select, showing its chosen object from `preloaded` if there.

    The stock widget looks its chosen option up in the database once per inline row; the
    inline's formset hands each row's widget the object its queryset already selected.
    """

    preloaded = ()

    def optgroups(self, name, value, attr=None):
        chosen = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        known = {str(obj.pk): obj for obj in self.preloaded}
        if not chosen or not chosen <= known.keys():
            return super().optgroups(name, value, attr)  # e.g. a row changed in a bad POST
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for key in sorted(chosen):
            obj = known[key]
            label = self.choices.field.label_from_instance(obj)
            options.append(self.create_option(name, obj.pk, label, chosen, len(options)))
        return [(None, options, 0)]


class PreloadedRowsFormSet(BaseInlineFormSet):
    """Gives each row's autocomplete widgets the related objects the row already holds."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk is None:
            return form
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the "+" wrapper
            if isinstance(widget, PreloadedAutocompleteSelect):
                model_field = form.instance._meta.get_field(name)
                if model_field.is_cached(form.instance):
                    related = model_field.get_cached_value(form.instance)
                    widget.preloaded = [related] if related is not None else []
        return form


class PreloadedAutocompleteInline(admin.TabularInline):
    """A tabular inline whose rows cost no query each: related objects come with the rows."""

    formset = PreloadedRowsFormSet

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


def _first_error(error):
    return " ".join(error.messages)


@admin.register(PressRelease)
class PressReleaseAdmin(admin.ModelAdmin):
    form = PressReleaseAdminForm
    change_form_template = "admin/releases/pressrelease/change_form.html"
    list_display = ["title", "kind", "language", "status_badge", "public_date", "updated_at"]
    list_filter = [
        "status",
        "kind",
        "language",
        ("tags", admin.RelatedOnlyFieldListFilter),
        "municipalities__county",
        ("municipalities", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "lead", "body", "quotes__speaker"]
    date_hierarchy = "published_at"
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
            {
                "fields": [
                    "kind",
                    "language",
                    "translation_of",
                    "title",
                    "slug",
                    "lead",
                    "body",
                    "base_version",
                ]
            },
        ),
        (
            gettext_lazy("Links"),
            {"fields": ["tags", "municipalities", "visit", "funding_round", "documents"]},
        ),
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
        css = {"all": ["admin-newsroom/editorial.css"]}

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

    # Saving -------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        else:
            # The form checked (under a row lock) that base_version is still current.
            obj.version = (form.cleaned_data.get("base_version") or obj.version) + 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.release_record_revision(release=form.instance, by=request.user, created=not change)

    def _submit_after_save(self, request, obj):
        try:
            services.release_submit(release=obj, by=request.user)
        except ValidationError as error:
            self.message_user(request, _first_error(error), messages.ERROR)
            return False
        self.message_user(
            request,
            _("“%(title)s” was submitted for review.") % {"title": obj.title},
            messages.SUCCESS,
        )
        return True

    def response_add(self, request, obj, post_url_continue=None):
        if "_submit_for_review" in request.POST and self._submit_after_save(request, obj):
            return HttpResponseRedirect(self._workflow_url(obj))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_submit_for_review" in request.POST and self._submit_after_save(request, obj):
            return HttpResponseRedirect(self._workflow_url(obj))
        return super().response_change(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        release = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if release is not None:
            if request.method == "GET":
                services.release_baseline_revision(release=release)
            extra_context.update(self._workflow_context(request, release))
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        adminform = context.get("adminform")
        if adminform is not None:
            context["changes_meanwhile"] = getattr(adminform.form, "changes_meanwhile", None)
        context["can_submit"] = (
            obj is None or obj.status == Status.DRAFT
        ) and self.has_change_permission(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

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
                refused.append(f"“{release.title}”: {_first_error(error)}")
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
        self._run_action(
            request,
            queryset,
            services.release_publish,
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

    # Extra pages --------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/workflow/",
                wrap(self.workflow_view),
                name="releases_pressrelease_workflow",
            ),
            path(
                "<int:pk>/revisions/",
                wrap(self.revisions_view),
                name="releases_pressrelease_revisions",
            ),
            path(
                "<int:pk>/revisions/<int:version>/restore/",
                wrap(self.restore_view),
                name="releases_pressrelease_restore",
            ),
            path(
                "<int:pk>/preview/",
                wrap(self.preview_view),
                name="releases_pressrelease_preview",
            ),
            *super().get_urls(),
        ]

    def _workflow_url(self, release):
        return reverse("admin:releases_pressrelease_workflow", args=[release.pk])

    def _get_release(self, request, pk):
        release = get_object_or_404(PressRelease, pk=pk)
        if not self.has_view_or_change_permission(request, release):
            raise PermissionDenied
        return release

    def _workflow_context(self, request, release):
        checklist = release_checklist(release)
        link = release.preview_links.filter(revoked_at__isnull=True).first()
        return {
            "release": release,
            "checklist": checklist,
            "blocking": [item for item in checklist if item.level == "blocking"],
            "events": release.events.select_related("by")[:50],
            "active_link": link if link and link.is_active else None,
            "can_publish": services.can_publish(request.user),
            "can_edit": services.can_edit(request.user, release),
        }

    # The workflow page's actions: name → (service call, form class, needs publish perm).
    WORKFLOW_ACTIONS = {
        "submit": (
            lambda release, by, data: services.release_submit(
                release=release, by=by, comment=data.get("comment", "")
            ),
            CommentForm,
        ),
        "return": (
            lambda release, by, data: services.release_return_to_draft(
                release=release, by=by, comment=data["comment"]
            ),
            ReturnForm,
        ),
        "publish": (
            lambda release, by, data: services.release_publish(
                release=release, by=by, comment=data.get("comment", "")
            ),
            CommentForm,
        ),
        "schedule": (
            lambda release, by, data: services.release_schedule(
                release=release, by=by, publish_at=data["publish_at"], comment=data["comment"]
            ),
            ScheduleForm,
        ),
        "unschedule": (
            lambda release, by, data: services.release_unschedule(
                release=release, by=by, comment=data.get("comment", "")
            ),
            CommentForm,
        ),
        "withdraw": (
            lambda release, by, data: services.release_withdraw(
                release=release, by=by, reason=data["reason"]
            ),
            WithdrawForm,
        ),
        "preview_link": (
            lambda release, by, data: services.release_preview_link_create(release=release, by=by),
            CommentForm,
        ),
        "preview_revoke": (
            lambda release, by, data: services.release_preview_link_revoke(release=release, by=by),
            CommentForm,
        ),
    }
    SUCCESS_MESSAGES = {
        "submit": gettext_lazy("Submitted for review."),
        "return": gettext_lazy("Returned to draft with your comment."),
        "publish": gettext_lazy("Published."),
        "schedule": gettext_lazy("Scheduled."),
        "unschedule": gettext_lazy("Unscheduled: the release is a draft again."),
        "withdraw": gettext_lazy("Withdrawn: the page now shows the notice and the reason."),
        "preview_link": gettext_lazy("A new preview link was made; older links stopped working."),
        "preview_revoke": gettext_lazy("The preview link was revoked."),
    }

    def workflow_view(self, request, pk):
        release = self._get_release(request, pk)
        forms = {
            "submit": CommentForm(prefix="submit"),
            "return": ReturnForm(prefix="return"),
            "publish": CommentForm(prefix="publish"),
            "schedule": ScheduleForm(
                prefix="schedule",
                initial={"publish_at": release.publish_at} if release.publish_at else None,
            ),
            "unschedule": CommentForm(prefix="unschedule"),
            "withdraw": WithdrawForm(prefix="withdraw"),
        }
        errors = []
        # The form shows and reads times in the newsroom's own time zone.
        with timezone.override("Europe/Stockholm"):
            if request.method == "POST":
                action = request.POST.get("action", "")
                if action not in self.WORKFLOW_ACTIONS:
                    errors.append(_("Unknown action."))
                else:
                    call, form_class = self.WORKFLOW_ACTIONS[action]
                    form = form_class(request.POST, prefix=action)
                    forms[action] = form
                    if form.is_valid():
                        try:
                            with transaction.atomic():
                                call(release, request.user, form.cleaned_data)
                        except ValidationError as error:
                            if hasattr(error, "error_dict"):
                                for field, field_errors in error.error_dict.items():
                                    target = field if field in form.fields else None
                                    for field_error in field_errors:
                                        form.add_error(target, field_error)
                            else:
                                for message in error.messages:
                                    form.add_error(None, message)
                        else:
                            self.message_user(
                                request, self.SUCCESS_MESSAGES[action], messages.SUCCESS
                            )
                            return HttpResponseRedirect(self._workflow_url(release))
                    errors.extend(
                        message for field_errors in form.errors.values() for message in field_errors
                    )
                release.refresh_from_db()
            context = {
                **self.admin_site.each_context(request),
                **self._workflow_context(request, release),
                "opts": self.model._meta,
                "title": _("Review and publish: %(title)s") % {"title": release.title},
                "forms": forms,
                "errors": errors,
                "preview_url": None,
                "now": timezone.localtime(),
            }
            link = context["active_link"]
            if link:
                context["preview_url"] = preview_url(link)
            return TemplateResponse(request, "admin/releases/pressrelease/workflow.html", context)

    def revisions_view(self, request, pk):
        release = self._get_release(request, pk)
        services.release_baseline_revision(release=release)
        history = list(release.revisions.select_related("created_by"))
        versions = [revision.version for revision in history]
        comparison = None
        try:
            old = int(request.GET.get("old", ""))
            new = int(request.GET.get("new", ""))
        except ValueError:
            old, new = (versions[1], versions[0]) if len(versions) > 1 else (None, None)
        if old in versions and new in versions:
            by_version = {revision.version: revision for revision in history}
            comparison = {
                "old": by_version[old],
                "new": by_version[new],
                "changes": revisions.diff(
                    revisions.revision_data(by_version[old]),
                    revisions.revision_data(by_version[new]),
                ),
            }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "release": release,
            "title": _("Revisions: %(title)s") % {"title": release.title},
            "history": history,
            "comparison": comparison,
            "can_restore": self.has_change_permission(request, release),
        }
        return TemplateResponse(request, "admin/releases/pressrelease/revisions.html", context)

    def restore_view(self, request, pk, version):
        release = self._get_release(request, pk)
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse("admin:releases_pressrelease_revisions", args=[release.pk])
            )
        if not self.has_change_permission(request, release):
            raise PermissionDenied
        revision = get_object_or_404(ReleaseRevision, release=release, version=version)
        try:
            new = services.release_restore_revision(
                release=release, by=request.user, revision=revision
            )
        except ValidationError as error:
            self.message_user(request, _first_error(error), messages.ERROR)
        else:
            self.message_user(
                request,
                _("Version %(old)s was restored as version %(new)s.")
                % {"old": version, "new": new.version},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:releases_pressrelease_revisions", args=[release.pk])
        )

    def preview_view(self, request, pk):
        release = self._get_release(request, pk)
        with translation.override(release.language):
            return render_preview(request, release)


# The media bank's admins, with the workflow's rule -------------------------------------
# The media bank knows nothing of releases (releases depend on it), so the rule that media
# shown by a release outside review changes only with the publish permission is added here.


class ReleaseMediaGuard:
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and services.can_change_media(
            request.user, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and services.can_change_media(
            request.user, obj
        )


class GuardedImageAdmin(ReleaseMediaGuard, ImageAdmin):
    pass


class GuardedDocumentAdmin(ReleaseMediaGuard, DocumentAdmin):
    pass


admin.site.unregister(Image)
admin.site.register(Image, GuardedImageAdmin)
admin.site.unregister(Document)
admin.site.register(Document, GuardedDocumentAdmin)
