from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accessibility/", views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("report/", views.ContentReportView.as_view(), name="report"),
    path("report/thanks/", views.ReportThanksView.as_view(), name="report_thanks"),
]
