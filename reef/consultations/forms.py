from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reef.consultations.models import DelphiItem, DelphiRound, Participation, Sector, Vote
from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping


class JoinForm(forms.Form):
    sector = forms.ChoiceField(label=_("Your stakeholder sector"), choices=Sector.choices)
    country = forms.ModelChoiceField(
        label=_("Your country"), queryset=Country.objects.all(), to_field_name="code"
    )


class StatementForm(forms.Form):
    body = forms.CharField(
        label=_("Your statement"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class VoteForm(forms.Form):
    statement = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.TypedChoiceField(choices=Vote.Value.choices, coerce=int)


class ModerateForm(forms.Form):
    statement = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=[("accepted", _("Accept")), ("rejected", _("Reject"))])


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AmendmentForm(forms.Form):
    proposed_text = forms.CharField(
        label=_("Proposed text"), widget=forms.Textarea(attrs={"rows": 6})
    )
    rationale = forms.CharField(
        label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class WindowForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("Opens (UTC)"))
    closes_at = forms.DateTimeField(label=_("Closes (UTC)"))


class DelphiForm(forms.Form):
    """One rating (and an optional comment) per item of the round."""

    def __init__(
        self,
        *args: Any,
        round: DelphiRound,
        items: list[DelphiItem],
        initial_ratings: dict[int, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, str(n)) for n in range(round.scale_min, round.scale_max + 1)]
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                label=item.text,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                initial=(initial_ratings or {}).get(item.pk),
            )
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=_("Comment (optional)"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
        self.items = items

    def ratings(self) -> dict[int, int]:
        return {i.pk: int(self.cleaned_data[f"item_{i.pk}"]) for i in self.items}

    def comments(self) -> dict[int, str]:
        return {i.pk: str(self.cleaned_data.get(f"comment_{i.pk}") or "") for i in self.items}

    def item_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"item_{i.pk}"], self[f"comment_{i.pk}"]) for i in self.items]


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ChoiceField(label=_("Owner"))
    tlp = forms.ChoiceField(label=_("TLP label"), choices=TLP.choices, initial=TLP.GREEN)
    participation = forms.ChoiceField(label=_("Who may take part"), choices=Participation.choices)
    community_grouping = forms.ModelChoiceField(
        label=_("Community grouping"),
        queryset=Grouping.objects.all(),
        required=False,
        to_field_name="slug",
    )
    opens_at = forms.DateTimeField(label=_("Opens (UTC)"))
    closes_at = forms.DateTimeField(label=_("Closes (UTC)"))
    document_title = forms.CharField(label=_("Draft document"), max_length=200, required=False)

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Round title"), max_length=200)
    items = forms.CharField(
        label=_("Items, one a line (leave empty to carry over the previous round's items)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    rule = forms.ChoiceField(label=_("Consensus rule"), choices=DelphiRound.Rule.choices)
    scale_max = forms.TypedChoiceField(
        label=_("Scale"), choices=[(5, "1-5"), (9, "1-9")], coerce=int, initial=5
    )


class SectionForm(forms.Form):
    heading = forms.CharField(label=_("Heading"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))
