"""The review of a draft: sections, comments, amendments."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from reef.consultations.models import Amendment, Consultation, Section, SectionComment
from reef.core.access import LabelledQuerySet
from reef.core.selectors import get_for_user


def sections_for(user: Any, consultation: Consultation) -> LabelledQuerySet:
    qs: LabelledQuerySet = (
        Section.objects.for_user(user)
        .filter(consultation=consultation)
        .annotate(
            n_comments=Count("comments", distinct=True),
            n_amendments=Count("amendments", distinct=True),
        )
    )
    return qs


def section_get(user: Any, consultation: Consultation, number: int) -> Section:
    obj: Section = get_for_user(
        Section.objects.select_related("consultation"),
        user,
        audit=False,
        consultation=consultation,
        number=number,
    )
    return obj


def section_comments(user: Any, section: Section) -> LabelledQuerySet:
    return (
        SectionComment.objects.for_user(user)
        .filter(section=section)
        .select_related("participant", "participant__country")
    )


def section_amendments(user: Any, section: Section) -> LabelledQuerySet:
    return (
        Amendment.objects.for_user(user)
        .filter(section=section)
        .select_related("section", "participant", "participant__country", "decided_by")
    )


def amendment_get(user: Any, consultation: Consultation, pk: int) -> Amendment:
    obj: Amendment = get_for_user(
        Amendment.objects.select_related("section", "consultation", "participant"),
        user,
        audit=False,
        consultation=consultation,
        pk=pk,
    )
    return obj
