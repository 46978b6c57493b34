from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("sent/", views.sent, name="sent"),
    path("privacy/", views.privacy, name="privacy"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/data.json", views.download, name="download"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
