"""The read API (`/api/v1/`), oEmbed and the open-data downloads.

A top-level consumer of the other apps, like the project package: it reads releases,
visits, municipalities, funding, contacts and tags through their own querysets
(`PressRelease.objects.public()`, `public_tags()`, `public_images()`, `AgencyVisit.objects
.public()`, `PressContact.objects.public()`), never a second definition of what is public.
No lower app imports it.
"""
