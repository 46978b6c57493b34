from django.urls import path

from . import views

app_name = "mediabank"

urlpatterns = [
    path("images/", views.ImageBankView.as_view(), name="images"),
    path("images/<int:pk>/", views.ImageDetailView.as_view(), name="image"),
    path("images/<int:pk>/download/<slug:size>/", views.download, name="download"),
]
