from django.urls import path

from . import views

app_name = "releases"

urlpatterns = [
    path("<slug:slug>/", views.ReleaseDetailView.as_view(), name="detail"),
]
