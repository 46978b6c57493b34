"""`/media/<name>`: every uploaded file, handed out only where its owner's rule says yes.

The web server never serves MEDIA_ROOT by itself. Each rule below knows one kind of file
and answers for it (`newsroom.core.files.Access`), or None when the name is not its kind:

- images and documents of releases: `public()`, an editor's permission, or a preview link;
- press contacts' photos: public with a public contact, else staff who may view contacts;
- the agency's logo: always public.

Anything else (renditions, which are downloaded through the image bank, stray files, names
nobody stored) is 404, as is a file its rule refuses: a refusal looks like absence.
"""

from django.http import Http404

from newsroom.contacts.media import photo_access
from newsroom.core.files import Access, agency_logo_access, send_file
from newsroom.releases.media import release_file_access

MEDIA_RULES = [release_file_access, photo_access, agency_logo_access]


def serve_media(request, name):
    for rule in MEDIA_RULES:
        access = rule(request, name)
        if access is None:
            continue
        if access is Access.DENIED:
            break
        return send_file(request, name, public=access is Access.PUBLIC)
    raise Http404("No such file.")
