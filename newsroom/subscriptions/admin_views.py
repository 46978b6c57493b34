"""The subscriptions' extra admin pages: active subscribers per topic, a release's delivery
report (with "retry failed deliveries"), and "send test email to me".

Each view is built with `as_view(model_admin=…)` and asks the model admin for permissions.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from municipalities.models import County, Municipality
from newsroom.core.admin_tools import editorial_context
from newsroom.releases.models import PressRelease

from . import services
from .models import Announcement, Delivery, Subscriber, SubscriberKind


def may_read_deliveries(user):
    """Delivery reports hold subscribers' addresses and SMTP errors: personal data."""
    return user.has_perm("subscriptions.view_delivery")


def may_retry_deliveries(user):
    return user.has_perm("subscriptions.change_delivery")


class ModelAdminView(View):
    model_admin = None


class TopicCountsView(ModelAdminView):
    """How many active subscribers follow each topic."""

    def get(self, request):
        if not self.model_admin.has_view_permission(request):
            raise PermissionDenied
        active = Q(subscribers__status=Subscriber.Status.ACTIVE)
        active_ids = Subscriber.objects.active().values("pk")
        tag_counts = (
            Subscriber.tags.through.objects.filter(subscriber__in=active_ids)
            .values("tag__name")
            .annotate(count=Count("subscriber"))
            .order_by("-count", "tag__name")
        )
        kinds = (
            SubscriberKind.objects.filter(subscriber__in=active_ids)
            .values("kind")
            .annotate(count=Count("subscriber"))
            .order_by("-count")
        )
        context = {
            **editorial_context(self.model_admin, request, title=_("Active subscribers per topic")),
            "everything": Subscriber.objects.active().filter(all_topics=True).count(),
            "total": Subscriber.objects.active().count(),
            "tags": [(row["tag__name"], row["count"]) for row in tag_counts],
            "kinds": [(PressRelease.Kind(row["kind"]).label, row["count"]) for row in kinds],
            "counties": County.objects.annotate(count=Count("subscribers", filter=active))
            .filter(count__gt=0)
            .order_by("-count"),
            "municipalities": Municipality.objects.annotate(
                count=Count("subscribers", filter=active)
            )
            .filter(count__gt=0)
            .order_by("-count"),
            "frequencies": Subscriber.objects.active()
            .values("frequency")
            .annotate(count=Count("pk"))
            .order_by("frequency"),
        }
        return TemplateResponse(request, "admin/subscriptions/topic_counts.html", context)


class SendTestEmailView(ModelAdminView):
    def get(self, request, object_id):
        release = self.get_release(request, object_id)
        return redirect(reverse("admin:releases_pressrelease_change", args=[release.pk]))

    def post(self, request, object_id):
        release = self.get_release(request, object_id)
        self.model_admin.send_test_email(request, PressRelease.objects.filter(pk=release.pk))
        return redirect(reverse("admin:releases_pressrelease_change", args=[release.pk]))

    def get_release(self, request, object_id):
        release = get_object_or_404(PressRelease, pk=object_id)
        if not self.model_admin.has_view_permission(request, release):
            raise PermissionDenied
        return release


class DeliveryReportView(ModelAdminView):
    """Who got a release's announcement, who did not and why; failed ones can be retried.

    The report shows subscribers' addresses and SMTP errors: it takes the permission to
    view deliveries, not just the release. Retrying acts on the deliveries of the release
    that was announced (a translation's are its original's), so it is that release, not the
    one the page was opened from, that the user must be allowed to change.
    """

    def dispatch(self, request, object_id):
        self.release = get_object_or_404(
            PressRelease.objects.select_related("translation_of"), pk=object_id
        )
        if not (
            may_read_deliveries(request.user)
            and self.model_admin.has_view_permission(request, self.release)
        ):
            raise PermissionDenied
        self.root = self.release.original
        return super().dispatch(request, object_id)

    def post(self, request, object_id):
        if "retry" not in request.POST:
            return redirect(request.path)
        if not self.may_retry(request):
            raise PermissionDenied
        count = services.emails_retry_failed(queryset=Delivery.objects.filter(release=self.root))
        self.model_admin.message_user(
            request, _("%(count)d failed deliveries queued again.") % {"count": count}
        )
        return redirect(request.path)

    def may_retry(self, request):
        return may_retry_deliveries(request.user) and self.model_admin.has_change_permission(
            request, self.root
        )

    def get(self, request, object_id):
        release, root = self.release, self.root
        deliveries = Delivery.objects.filter(release=root)
        counts = dict(
            deliveries.values_list("status").annotate(count=Count("pk")).order_by("status")
        )
        announcement = Announcement.objects.filter(release=root).first()
        context = {
            **editorial_context(
                self.model_admin,
                request,
                original=release,
                page_name=_("Delivery report"),
            ),
            "root": root,
            "announcement": announcement,
            "matched": announcement.matched if announcement else 0,
            "counts": [(label, counts.get(value, 0)) for value, label in Delivery.Status.choices],
            "failed_count": counts.get(Delivery.Status.FAILED, 0),
            "can_retry": self.may_retry(request),
            "failures": deliveries.exclude(error="")
            .select_related("subscriber")
            .order_by("-pk")[:200],
        }
        return TemplateResponse(request, "admin/subscriptions/delivery_report.html", context)
