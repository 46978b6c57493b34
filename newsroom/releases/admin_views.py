"""The release admin's extra pages: "Review and publish", revisions, restore and preview.

Each view is built with `as_view(model_admin=…)` by `PressReleaseAdmin.get_urls()` and asks
the model admin for permissions; every change goes through `services`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from newsroom.core.admin_tools import add_service_error, editorial_context, error_text

from . import revisions, services
from .checklist import release_checklist
from .forms import CommentForm, ConfirmForm, PublishForm, ReturnForm, ScheduleForm, WithdrawForm
from .models import PressRelease, ReleaseRevision
from .preview import preview_url, render_preview

# The workflow page shows and reads times in the newsroom's own time zone, whatever the
# admin's active one.
NEWSROOM_TIME = "Europe/Stockholm"


@dataclass(frozen=True)
class WorkflowStep:
    """One step of the "Review and publish" page.

    The form's cleaned data are the service's keyword arguments, besides `release` and `by`.
    """

    name: str
    form: type[forms.Form]
    service: Callable
    message: Promise


WORKFLOW_STEPS = {
    step.name: step
    for step in [
        WorkflowStep(
            "submit", CommentForm, services.release_submit, gettext_lazy("Submitted for review.")
        ),
        WorkflowStep(
            "return",
            ReturnForm,
            services.release_return_to_draft,
            gettext_lazy("Returned to draft with your comment."),
        ),
        WorkflowStep("publish", PublishForm, services.release_publish, gettext_lazy("Published.")),
        WorkflowStep(
            "schedule", ScheduleForm, services.release_schedule, gettext_lazy("Scheduled.")
        ),
        WorkflowStep(
            "unschedule",
            CommentForm,
            services.release_unschedule,
            gettext_lazy("Unscheduled: the release is a draft again."),
        ),
        WorkflowStep(
            "withdraw",
            WithdrawForm,
            services.release_withdraw,
            gettext_lazy("Withdrawn: the page now shows the notice and the reason."),
        ),
        WorkflowStep(
            "preview_link",
            ConfirmForm,
            services.release_preview_link_create,
            gettext_lazy("A new preview link was made; older links stopped working."),
        ),
        WorkflowStep(
            "preview_revoke",
            ConfirmForm,
            services.release_preview_link_revoke,
            gettext_lazy("The preview link was revoked."),
        ),
    ]
}


def workflow_url(release):
    return reverse("admin:releases_pressrelease_workflow", args=[release.pk])


def workflow_context(request, release):
    """What the workflow page and the change form's status panel show."""
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


class ReleaseAdminView(View):
    """A page about one release, for those who may view it in the admin."""

    model_admin = None

    def get_release(self, request, pk):
        release = get_object_or_404(PressRelease, pk=pk)
        if not self.model_admin.has_view_or_change_permission(request, release):
            raise PermissionDenied
        return release


class WorkflowView(ReleaseAdminView):
    template_name = "admin/releases/pressrelease/workflow.html"

    def get(self, request, pk):
        return self.render(request, self.get_release(request, pk))

    def post(self, request, pk):
        release = self.get_release(request, pk)
        step = WORKFLOW_STEPS.get(request.POST.get("action", ""))
        if step is None:
            return self.render(request, release, errors=[_("Unknown action.")])
        with timezone.override(NEWSROOM_TIME):
            form = step.form(request.POST, prefix=step.name)
            changes_meanwhile = None
            if form.is_valid():
                try:
                    step.service(release=release, by=request.user, **form.cleaned_data)
                except services.StaleEdit as stale:
                    add_service_error(form, stale)
                    changes_meanwhile = stale.changes_meanwhile
                    # Doing it again, after reading what changed, is deliberate.
                    form.data = form.data.copy()
                    form.data[form.add_prefix("base_version")] = stale.current_version
                except ValidationError as error:
                    add_service_error(form, error)
                else:
                    self.model_admin.message_user(request, step.message, messages.SUCCESS)
                    return HttpResponseRedirect(workflow_url(release))
        release.refresh_from_db()
        errors = [message for field_errors in form.errors.values() for message in field_errors]
        return self.render(
            request,
            release,
            bound={step.name: form},
            errors=errors,
            changes_meanwhile=changes_meanwhile,
        )

    def render(self, request, release, *, bound=None, errors=(), changes_meanwhile=None):
        with timezone.override(NEWSROOM_TIME):
            initial = {"base_version": release.version}
            if release.publish_at:
                initial["publish_at"] = release.publish_at
            forms = {
                name: step.form(prefix=name, initial=initial)
                for name, step in WORKFLOW_STEPS.items()
            }
            forms.update(bound or {})
            context = {
                **editorial_context(
                    self.model_admin,
                    request,
                    original=release,
                    page_name=_("Review and publish"),
                ),
                **workflow_context(request, release),
                "forms": forms,
                "errors": list(errors),
                "changes_meanwhile": changes_meanwhile,
                "now": timezone.localtime(),
            }
            link = context["active_link"]
            context["preview_url"] = preview_url(link) if link else None
            return TemplateResponse(request, self.template_name, context).render()


# "Publish selected releases now": a confirmation page first ---------------------------
# The changelist's checkboxes carry no version. The page lists each release as it is now and
# carries its version in a hidden field, so that publishing is refused for a release that
# changed after the editor saw it here (Django's action-confirmation pattern, as for delete).

VERSION_SEEN = "version_{pk}"


def publish_selected_confirmation(model_admin, request, queryset):
    releases = list(queryset.select_related("updated_by").order_by("-updated_at", "pk"))
    context = {
        **editorial_context(
            model_admin,
            request,
            title=_("Publish the selected releases?"),
            page_name=_("Publish selected releases"),
        ),
        "rows": [(release, VERSION_SEEN.format(pk=release.pk)) for release in releases],
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(
        request, "admin/releases/pressrelease/publish_selected_confirmation.html", context
    )


def versions_seen(data):
    """{release pk: the version shown on the confirmation page}, from its hidden fields."""
    seen = {}
    for pk in data.getlist(ACTION_CHECKBOX_NAME):
        try:
            seen[int(pk)] = int(data.get(VERSION_SEEN.format(pk=pk), ""))
        except ValueError:
            continue  # refused as not confirmed
    return seen


class RevisionsView(ReleaseAdminView):
    """The release's revisions: compare two, restore one. Reading it writes nothing."""

    def get(self, request, pk):
        release = self.get_release(request, pk)
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
            **editorial_context(
                self.model_admin,
                request,
                original=release,
                page_name=_("Revisions"),
            ),
            "release": release,
            "history": history,
            "comparison": comparison,
            "can_restore": self.model_admin.has_change_permission(request, release),
        }
        return TemplateResponse(request, "admin/releases/pressrelease/revisions.html", context)


class RestoreView(ReleaseAdminView):
    def get(self, request, pk, version):
        return HttpResponseRedirect(reverse("admin:releases_pressrelease_revisions", args=[pk]))

    def post(self, request, pk, version):
        release = self.get_release(request, pk)
        if not self.model_admin.has_change_permission(request, release):
            raise PermissionDenied
        revision = get_object_or_404(ReleaseRevision, release=release, version=version)
        try:
            base_version = int(request.POST.get("base_version", ""))
        except ValueError:
            return HttpResponseBadRequest(_("The version you saw is missing."))
        try:
            new = services.release_restore_revision(
                release=release, by=request.user, revision=revision, base_version=base_version
            )
        except ValidationError as error:
            self.model_admin.message_user(request, error_text(error), messages.ERROR)
        else:
            self.model_admin.message_user(
                request,
                _("Version %(old)s was restored as version %(new)s.")
                % {"old": version, "new": new.version},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:releases_pressrelease_revisions", args=[release.pk])
        )


class PreviewView(ReleaseAdminView):
    def get(self, request, pk):
        release = self.get_release(request, pk)
        with translation.override(release.language):
            return render_preview(request, release)
