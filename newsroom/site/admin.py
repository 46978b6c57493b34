"""The admin site as composed from the apps: which class, with which mixins from which
apps, serves each model. The one module that registers admins (a test keeps it so).

Apps export unregistered `ModelAdmin` classes and mixins; a mixin of a higher app adds to a
lower app's admin here, never by unregistering it.
"""

from django.contrib import admin

from municipalities import admin as municipalities_admin
from municipalities.models import AgencyVisit, County, FundingRound, Grant, Municipality
from newsroom.contacts.admin import PressContactAdmin
from newsroom.contacts.models import PressContact
from newsroom.core.admin import AgencyAdmin, ContentReportAdmin
from newsroom.core.models import Agency, ContentReport
from newsroom.mediabank.admin import DocumentAdmin, ImageAdmin
from newsroom.mediabank.models import Document, Image
from newsroom.releases.admin import PressReleaseAdmin, ReleaseMediaGuard
from newsroom.releases.models import PressRelease
from newsroom.subscriptions import admin as subscriptions_admin
from newsroom.subscriptions.admin import ReleaseSubscriptionsMixin
from newsroom.subscriptions.models import Announcement, Delivery, Digest, Subscriber

admin.site.register(Agency, AgencyAdmin)
admin.site.register(ContentReport, ContentReportAdmin)
admin.site.register(PressContact, PressContactAdmin)
admin.site.register(County, municipalities_admin.CountyAdmin)
admin.site.register(Municipality, municipalities_admin.MunicipalityAdmin)
admin.site.register(FundingRound, municipalities_admin.FundingRoundAdmin)
admin.site.register(Grant, municipalities_admin.GrantAdmin)
admin.site.register(AgencyVisit, municipalities_admin.AgencyVisitAdmin)


class NewsroomImageAdmin(ReleaseMediaGuard, ImageAdmin):
    pass


class NewsroomDocumentAdmin(ReleaseMediaGuard, DocumentAdmin):
    pass


admin.site.register(Image, NewsroomImageAdmin)
admin.site.register(Document, NewsroomDocumentAdmin)


class NewsroomPressReleaseAdmin(ReleaseSubscriptionsMixin, PressReleaseAdmin):
    pass


admin.site.register(PressRelease, NewsroomPressReleaseAdmin)
admin.site.register(Subscriber, subscriptions_admin.SubscriberAdmin)
admin.site.register(Delivery, subscriptions_admin.DeliveryAdmin)
admin.site.register(Digest, subscriptions_admin.DigestAdmin)
admin.site.register(Announcement, subscriptions_admin.AnnouncementAdmin)
