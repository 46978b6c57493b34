from urllib.parse import urlencode

from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_url(context, language_code):
    """This page in another language: a view may name it (`alternate_urls`), else the same path."""
    alternates = context.get("alternate_urls") or {}
    if language_code in alternates:
        return alternates[language_code]
    request = context.get("request")
    if request is None:
        return f"/{language_code}/"
    return translate_url(request.get_full_path(), language_code)


@register.simple_tag(takes_context=True)
def media_url(context, file):
    """A stored file's address. On a preview page it carries the preview's token: the media
    view then hands out the files of the release that is not public yet, to the link's holder."""
    if not file:
        return ""
    token = context.get("preview_token")
    return f"{file.url}?{urlencode({'preview': token})}" if token else file.url
