from django.urls import path

from . import views

app_name = "municipalities"

urlpatterns = [
    path("municipalities/", views.MunicipalityIndexView.as_view(), name="index"),
    path(
        "municipalities/<slug:slug>/",
        views.MunicipalityDetailView.as_view(),
        name="municipality",
    ),
    path("counties/<slug:slug>/", views.CountyDetailView.as_view(), name="county"),
    path("visits/", views.VisitListView.as_view(), name="visits"),
    path("visits/calendar.ics", views.visits_ics, name="visits_ics"),
    path("visits/<slug:slug>/", views.VisitDetailView.as_view(), name="visit"),
    path("visits/<slug:slug>.ics", views.visit_ics, name="visit_ics"),
    path("funding/", views.FundingRoundListView.as_view(), name="funding_rounds"),
    path("funding/<slug:slug>/", views.FundingRoundDetailView.as_view(), name="funding_round"),
    path("funding/<slug:slug>/grants.csv", views.grants_csv, name="grants_csv"),
]
