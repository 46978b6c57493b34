from django import template

from ..forms import CONSENT_TEXT

register = template.Library()


@register.simple_tag
def consent_text():
    """The consent text, the same in the home page box as on the full page."""
    return CONSENT_TEXT
