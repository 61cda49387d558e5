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
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One member per line: the e-mail address, then the role (technical, "
            "criminal_justice, legal or observer; technical when left out)."
        ),
    )
    lead = forms.EmailField(label=_("Team lead (e-mail)"))

    def _lines(self) -> list[list[str]]:
        raw = self.cleaned_data["members"].replace(",", "\n")
        return [line.split() for line in raw.splitlines() if line.strip()]

    def emails(self) -> list[str]:
        return [parts[0].lower() for parts in self._lines()]

    def roles(self) -> dict[str, str]:
        return {parts[0].lower(): parts[1].lower() for parts in self._lines() if len(parts) > 1}


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
    # The version of the stored rating the form was filled from (the whole-factor save
    # refuses to overwrite a rating changed meanwhile, e.g. by an imported sheet).
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


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
