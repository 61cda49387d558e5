"""`{% load experts %}`: readable names for the matching engine's seat and rule codes."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from reef.experts.taxonomy import ROLES

register = template.Library()

ROLE_NAMES = dict(ROLES)


@register.filter
def role_label(key: str) -> str:
    """A role key (e.g. `criminal_justice`) as its name in the active language."""
    name = ROLE_NAMES.get(key)
    return _(name) if name else key


@register.filter
def rule_label(code: str) -> str:
    """A seat or coverage rule code (`role:technical`, `language:fr`, `local`, `size`...)
    as text in the active language; unknown codes are shown as they are."""
    if code.startswith("role:"):
        return _("Role: %(role)s") % {"role": role_label(code[5:])}
    if code.startswith("language:"):
        return _("Language: %(language)s") % {"language": code[9:]}
    names = {
        "general": _("General seat"),
        "local": _("Regional private sector or academia"),
        "nascent": _("nascent (shadowing)"),
        "roles": _("Required roles"),
        "size": _("Team size"),
    }
    return names.get(code, code)
