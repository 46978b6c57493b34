from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.generic import DetailView, ListView

from newsroom.core.web import absolute_url

from .models import PressContact
from .vcard import vcard


class ContactListView(ListView):
    template_name = "contacts/contact_list.html"
    context_object_name = "contacts"

    def get_queryset(self):
        return PressContact.objects.public()


class ContactDetailView(DetailView):
    template_name = "contacts/contact_detail.html"
    context_object_name = "contact"

    def get_queryset(self):
        return PressContact.objects.public()


def contact_vcard(request, pk):
    contact = get_object_or_404(PressContact.objects.public(), pk=pk)
    photo = absolute_url(contact.photo.url) if contact.photo else ""
    response = HttpResponse(vcard(contact, photo), content_type="text/vcard; charset=utf-8")
    filename = slugify(contact.name) or f"contact-{contact.pk}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.vcf"'
    return response
