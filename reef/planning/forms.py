from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reef.core.tlp import TLP
from reef.planning.models import Action, Area, Commitment, RiskCategory
from reef.planning.reference import CURRENCIES

CURRENCY_CHOICES = [(c, c) for c in CURRENCIES]
RATING_CHOICES = [(i, str(i)) for i in range(1, 6)]


def _set_choices(field: forms.Field, choices: list[tuple[str, str]]) -> None:
    if isinstance(field, forms.ChoiceField):
        field.choices = choices


class DateInput(forms.DateInput):
    input_type = "date"


class NeedForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"))
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    cost_amount = forms.DecimalField(
        label=_("Estimated cost"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    cost_currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES, initial="USD")
    impact = forms.TypedChoiceField(
        label=_("Impact"), choices=RATING_CHOICES, coerce=int, initial=3
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=RATING_CHOICES, coerce=int, initial=3
    )
    feasibility = forms.TypedChoiceField(
        label=_("Feasibility"), choices=RATING_CHOICES, coerce=int, initial=3
    )
    cost_rating = forms.TypedChoiceField(
        label=_("Cost (5 = most expensive)"), choices=RATING_CHOICES, coerce=int, initial=3
    )
    tlp = forms.ChoiceField(label=_("TLP label"), choices=TLP.choices, required=False)
    factor_key = forms.CharField(
        label=_("Framework factor (from the gap)"), required=False, max_length=120
    )
    aspect_key = forms.CharField(label=_("Aspect"), required=False, max_length=120)
    framework = forms.CharField(label=_("Framework"), required=False, max_length=80)

    def __init__(self, *args: Any, areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["area"], [(a.key, a.label) for a in areas])


class RatingForm(forms.Form):
    impact = forms.TypedChoiceField(label=_("Impact"), choices=RATING_CHOICES, coerce=int)
    urgency = forms.TypedChoiceField(label=_("Urgency"), choices=RATING_CHOICES, coerce=int)
    feasibility = forms.TypedChoiceField(label=_("Feasibility"), choices=RATING_CHOICES, coerce=int)
    cost_rating = forms.TypedChoiceField(
        label=_("Cost (5 = most expensive)"), choices=RATING_CHOICES, coerce=int
    )


class OfferForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Pledging organisation"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Commitment.Kind.choices)
    amount = forms.DecimalField(
        label=_("Amount"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES, initial="USD")
    description = forms.CharField(label=_("What you offer"), widget=forms.Textarea, required=False)
    start = forms.DateField(label=_("Start"), required=False, widget=DateInput)
    end = forms.DateField(label=_("End"), required=False, widget=DateInput)

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["organisation"], organisations)


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    lead_organisation = forms.ChoiceField(label=_("Owner organisation"), required=False)
    start = forms.DateField(label=_("Start"), widget=DateInput)
    end = forms.DateField(label=_("End"), widget=DateInput)
    budget_amount = forms.DecimalField(
        label=_("Budget"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    budget_currency = forms.ChoiceField(
        label=_("Currency"), choices=CURRENCY_CHOICES, initial="USD"
    )
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Action.Delivery.choices)
    is_training = forms.BooleanField(label=_("Trains people"), required=False)
    train_the_trainer = forms.BooleanField(label=_("Train-the-trainer"), required=False)
    curriculum_integration = forms.BooleanField(label=_("Curriculum integration"), required=False)
    local_ownership = forms.BooleanField(label=_("Local ownership"), required=False)
    post_donor_funding = forms.BooleanField(label=_("Funding after the donor"), required=False)

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["lead_organisation"], [("", "—"), *organisations])


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=Commitment.Status.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)


class MoveForm(forms.Form):
    need = forms.IntegerField(widget=forms.HiddenInput)
    position = forms.IntegerField(label=_("New position"), min_value=1)
    reason = forms.CharField(label=_("Why"), max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class WeightsForm(forms.Form):
    impact = forms.DecimalField(label=_("Impact"), min_value=0, max_value=100, decimal_places=2)
    urgency = forms.DecimalField(label=_("Urgency"), min_value=0, max_value=100, decimal_places=2)
    feasibility = forms.DecimalField(
        label=_("Feasibility"), min_value=0, max_value=100, decimal_places=2
    )
    cost = forms.DecimalField(label=_("Cost"), min_value=0, max_value=100, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class RiskForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=RiskCategory.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea)
    likelihood = forms.TypedChoiceField(label=_("Likelihood"), choices=RATING_CHOICES, coerce=int)
    impact = forms.TypedChoiceField(label=_("Impact"), choices=RATING_CHOICES, coerce=int)
    risk_owner = forms.CharField(label=_("Owner"), max_length=200, required=False)
    mitigation = forms.CharField(label=_("Mitigation"), widget=forms.Textarea, required=False)
    review_on = forms.DateField(label=_("Review date"), required=False, widget=DateInput)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Plan file (JSON or CSV)"))
    cycle = forms.CharField(
        label=_("Cycle (to import under another cycle)"), required=False, max_length=20
    )


class TwinningLinkForm(forms.Form):
    a_ref = forms.CharField(max_length=30, widget=forms.HiddenInput)
    b_ref = forms.CharField(max_length=30, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class PlanForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"))
    title = forms.CharField(label=_("Title"), max_length=200)
    cycle = forms.CharField(label=_("Cycle"), max_length=20, help_text=_("for example 2026-2028"))
    tlp = forms.ChoiceField(label=_("TLP label"), choices=TLP.choices, initial=TLP.AMBER)
    currency = forms.ChoiceField(
        label=_("Reporting currency"), choices=CURRENCY_CHOICES, initial="USD"
    )
    start = forms.DateField(label=_("Start"), required=False, widget=DateInput)
    end = forms.DateField(label=_("End"), required=False, widget=DateInput)

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["country"], countries)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=300)
    due = forms.DateField(label=_("Due"), widget=DateInput)


class NeedEditForm(forms.Form):
    """A need's text, area, cost and priority ratings, with the version it was read at."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    area = forms.ChoiceField(label=_("Area"))
    cost_amount = forms.DecimalField(
        label=_("Estimated cost"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    cost_currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    impact = forms.TypedChoiceField(label=_("Impact"), choices=RATING_CHOICES, coerce=int)
    urgency = forms.TypedChoiceField(label=_("Urgency"), choices=RATING_CHOICES, coerce=int)
    feasibility = forms.TypedChoiceField(label=_("Feasibility"), choices=RATING_CHOICES, coerce=int)
    cost_rating = forms.TypedChoiceField(
        label=_("Cost (5 = most expensive)"), choices=RATING_CHOICES, coerce=int
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self, *args: Any, areas: list[Area], currencies: list[str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["area"], [(a.key, a.label) for a in areas])
        if currencies:
            _set_choices(self.fields["cost_currency"], [(c, c) for c in currencies])


class SustainabilityForm(forms.Form):
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Action.Delivery.choices)
    is_training = forms.BooleanField(label=_("Trains people"), required=False)
    train_the_trainer = forms.BooleanField(label=_("Train-the-trainer"), required=False)
    curriculum_integration = forms.BooleanField(label=_("Curriculum integration"), required=False)
    local_ownership = forms.BooleanField(label=_("Local ownership"), required=False)
    post_donor_funding = forms.BooleanField(label=_("Funding after the donor"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class RiskEditForm(forms.Form):
    likelihood = forms.TypedChoiceField(label=_("Likelihood"), choices=RATING_CHOICES, coerce=int)
    impact = forms.TypedChoiceField(label=_("Impact"), choices=RATING_CHOICES, coerce=int)
    risk_owner = forms.CharField(label=_("Owner"), max_length=200, required=False)
    mitigation = forms.CharField(label=_("Mitigation"), widget=forms.Textarea, required=False)
    review_on = forms.DateField(label=_("Review date"), required=False, widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PublishForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
