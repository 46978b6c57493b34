from django.urls import path

from . import views

app_name = "core"

# The home page (`core:home`) gathers releases, visits and contacts, which core must not
# import: newsroom/urls.py adds it to this namespace from newsroom/views.py.
urlpatterns = [
    path("accessibility/", views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("report/", views.ContentReportView.as_view(), name="report"),
    path("report/thanks/", views.ReportThanksView.as_view(), name="report_thanks"),
]
