from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reef.assessments.models import Cluster, RatingValue


class RequestForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"))
    framework = forms.ChoiceField(label=_("Framework"))
    cycle = forms.CharField(label=_("Cycle"), max_length=40, help_text=_("For example 2026."))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        countries: list[tuple[str, str]],
        frameworks: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = countries  # type: ignore[attr-defined]
        self.fields["framework"].choices = frameworks  # type: ignore[attr-defined]


class TeamForm(forms.Form):
    members = forms.CharField(
        label=_("Team members"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E-mail addresses, one per line or separated by commas."),
    )
    lead = forms.EmailField(label=_("Team lead (e-mail)"))

    def emails(self) -> list[str]:
        raw = self.cleaned_data["members"].replace(",", "\n")
        return [e.strip().lower() for e in raw.splitlines() if e.strip()]


class SessionForm(forms.Form):
    cluster = forms.ChoiceField(label=_("Cluster"), choices=Cluster.choices)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Cluster.choices:
            self.fields[f"n_{value}"] = forms.IntegerField(
                label=label, min_value=0, required=False, initial=0
            )

    def participants(self) -> dict[str, int]:
        return {v: int(self.cleaned_data.get(f"n_{v}") or 0) for v in Cluster.values}


class RatingForm(forms.Form):
    value = forms.ChoiceField(label=_("Rating"), choices=RatingValue.choices)
    evidence_text = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_link = forms.CharField(label=_("Evidence link"), required=False, max_length=500)
    evidence_file = forms.FileField(label=_("Evidence file (PDF, PNG, JPEG, text)"), required=False)


class DecisionForm(forms.Form):
    value = forms.ChoiceField(label=_("Decision"), choices=RatingValue.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))
    dissent = forms.MultipleChoiceField(
        label=_("Dissenting assessors"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, assessors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dissent"].choices = assessors  # type: ignore[attr-defined]


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Executive summary"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
