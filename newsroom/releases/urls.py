from django.urls import path

from . import preview, views

app_name = "releases"

urlpatterns = [
    path("preview/<str:token>/", preview.preview_by_token, name="preview"),
    path("<slug:slug>/", views.ReleaseDetailView.as_view(), name="detail"),
]
