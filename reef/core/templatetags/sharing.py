"""`{% sharing_button record %}`: the "Sharing" button, shown only to who may share."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from reef.core import sharing as sharing_services
from reef.core.models import Labelled

register = template.Library()


@register.inclusion_tag("sharing/_button.html", takes_context=True)
def sharing_button(context: dict[str, Any], record: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    url = ""
    if (
        isinstance(record, Labelled)
        and user is not None
        and sharing_services.may_share_record(user, record)
    ):
        url = reverse("sharing", kwargs={"kind": sharing_services.kind_of(record), "pk": record.pk})
    return {"sharing_url": url}
