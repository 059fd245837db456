"""``{{ service|text:"name" }}``: a text an organisation wrote in three languages, in the page's language
(else French, marked "not yet translated")."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from organisations.texts import translated

register = template.Library()


@register.filter
def text(obj, field: str):
    found = translated(obj, field, get_language())
    if not found.missing or not found.text:
        return found.text
    return format_html(
        '<span lang="{}">{}</span> <span class="tag tag--warning">{}</span>',
        found.language,
        found.text,
        _("not yet translated"),
    )
