from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("contacts/", views.ContactListView.as_view(), name="list"),
    path("contacts/<int:pk>/", views.ContactDetailView.as_view(), name="detail"),
    path("contacts/<int:pk>.vcf", views.contact_vcard, name="vcard"),
]
