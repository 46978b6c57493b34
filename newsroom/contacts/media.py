"""Who may have a press contact's photo: anyone when the contact is public (the photo is on
the contact's card), otherwise only staff who may view contacts."""

from newsroom.core.files import Access, staff_may

from .models import PressContact


def photo_access(request, name):
    contacts = PressContact.objects.filter(photo=name)
    if contacts.public().exists():
        return Access.PUBLIC
    if not contacts.exists():
        return None
    if staff_may(request.user, "contacts.view_presscontact"):
        return Access.ALLOWED
    return Access.DENIED
