"""Forms of the expert network pages (validation of shape only; rules live in services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping, Organisation
from reef.experts.models import (
    CONSENT_TEXT,
    ConflictDeclaration,
    ExpertiseTag,
    ExpertProfile,
    MentoringActivity,
    ReviewRound,
    Sector,
    Seniority,
)


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.filter(groupings__isnull=False).distinct()
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.public(), required=False
    )
    expertise = forms.ModelMultipleChoiceField(
        label=_("Expertise"), queryset=ExpertiseTag.objects.all(), required=False
    )
    languages = forms.CharField(
        label=_("Languages"),
        help_text=_("ISO codes separated by commas, e.g. en, fr"),
        initial="en",
    )
    seniority = forms.ChoiceField(label=_("Seniority"), choices=Seniority.choices)
    bio = forms.CharField(label=_("Summary of experience"), widget=forms.Textarea, required=False)
    max_reviews_per_quarter = forms.IntegerField(
        label=_("Maximum reviews per quarter"), min_value=0, max_value=50, initial=3
    )
    is_public = forms.BooleanField(label=_("Make my profile public"), required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    contact_tlp = forms.ChoiceField(
        label=_("Who may see my contact details"), choices=TLP.choices, initial=TLP.AMBER
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, required=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["consent"]
            del self.fields["country"]

    def languages_list(self) -> list[str]:
        return _codes(self.cleaned_data["languages"])

    @staticmethod
    def initial_for(profile: ExpertProfile) -> dict[str, Any]:
        return {
            "name": profile.name,
            "sector": profile.sector,
            "organisation": profile.organisation_id,
            "expertise": list(profile.expertise.all()),
            "languages": ", ".join(profile.languages),
            "seniority": profile.seniority,
            "bio": profile.bio,
            "max_reviews_per_quarter": profile.max_reviews_per_quarter,
            "is_public": profile.is_public,
            "contact_email": profile.contact_email,
            "contact_phone": profile.contact_phone,
            "contact_tlp": profile.contact_tlp,
        }


class AvailabilityForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ConflictForm(forms.Form):
    kind = forms.ChoiceField(label=_("Conflict with"), choices=ConflictDeclaration.Kind.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.public(), required=False
    )
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), required=False
    )
    person_name = forms.CharField(label=_("Person"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MissionRequestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none())
    start = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("End"), widget=forms.DateInput(attrs={"type": "date"}))
    languages = forms.CharField(label=_("Languages"), initial="en")
    size = forms.IntegerField(label=_("Team size"), min_value=1, max_value=12, initial=3)
    nascent_seat = forms.BooleanField(
        label=_("Seat for a nascent specialist"), required=False, initial=True
    )
    local_rule = forms.BooleanField(
        label=_("At least one member from the region's private sector or academia"),
        required=False,
        initial=True,
    )
    expertise = forms.ModelMultipleChoiceField(
        label=_("Expertise wanted"), queryset=ExpertiseTag.objects.all(), required=False
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Bodies involved (their staff are conflicted)"),
        queryset=Organisation.objects.public(),
        required=False,
    )
    assessment_ref = forms.IntegerField(label=_("Assessment number"), required=False, min_value=1)

    def __init__(self, *args: Any, countries: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if countries is not None:
            field = self.fields["country"]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
            field.queryset = countries

    def languages_list(self) -> list[str]:
        return _codes(self.cleaned_data["languages"])


class MemberAddForm(forms.Form):
    profile = forms.ModelChoiceField(label=_("Expert"), queryset=ExpertProfile.objects.none())

    def __init__(self, *args: Any, profiles: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if profiles is not None:
            field = self.fields["profile"]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
            field.queryset = profiles


class WindowForm(forms.Form):
    closes_on = forms.DateField(
        label=_("Window closes"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ReviewForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Score"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        help_text=_("1 (weak) to 5 (excellent)"),
    )
    comments = forms.CharField(label=_("Comments for the proposer"), widget=forms.Textarea)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Activity"), choices=MentoringActivity.Kind.choices)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    grouping = forms.ModelChoiceField(label=_("Region"), queryset=Grouping.objects.none())
    opens_on = forms.DateField(
        label=_("Window opens"), widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label=_("Window closes"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reviewers_per_proposal = forms.IntegerField(
        label=_("Reviewers per proposal"), min_value=1, max_value=20, initial=3
    )
    objective = forms.ChoiceField(label=_("Objective"), choices=ReviewRound.Objective.choices)
    exclude_government_of_country = forms.BooleanField(
        label=_("Government employees of the reviewed country are conflicted"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, groupings: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if groupings is not None:
            field = self.fields["grouping"]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
            field.queryset = groupings


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text for the reviewers"), widget=forms.Textarea)
    author_organisation = forms.ModelChoiceField(
        label=_("Proposed by"), queryset=Organisation.objects.public(), required=False
    )
    author_name = forms.CharField(label=_("Author"), max_length=200, required=False)
    implementers = forms.ModelMultipleChoiceField(
        label=_("Implementers"), queryset=Organisation.objects.public(), required=False
    )
    country = forms.ModelChoiceField(
        label=_("Country concerned"), queryset=Country.objects.all(), required=False
    )
