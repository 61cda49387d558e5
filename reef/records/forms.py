from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.records.models import Event, EventFile, Participant, Publication, Sector


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)


class EventFileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventFile.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    file = forms.FileField(label=_("File"), allow_empty_file=False)


class PublicationFileForm(forms.Form):
    file = forms.FileField(label=_("File"), allow_empty_file=False)


class WorkflowForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("submit", _("Submit for review")),
            ("return", _("Return to draft")),
            ("release", _("Release (assessed country)")),
            ("publish", _("Publish")),
        ]
    )
    # Release only: a public summary published to the record in the same step.
    summary = forms.CharField(
        label=_("Public summary (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    summary_tlp = forms.ChoiceField(
        label=_("Label of the summary"), choices=TLP.choices, initial=TLP.CLEAR, required=False
    )
    reason = forms.CharField(max_length=500, required=False)


def _translation_languages() -> list[tuple[str, Any]]:
    from django.conf import settings

    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class EventTranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=_translation_languages)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)
    report = forms.CharField(label=_("Report of the event"), widget=forms.Textarea, required=False)


class _OwnedForm(forms.Form):
    """A record created for an owner where the user is an editor."""

    owner = forms.ChoiceField(label=_("Owner"))
    tlp = forms.ChoiceField(label=_("TLP label"), choices=TLP.choices, initial=TLP.AMBER)

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]


class EventForm(_OwnedForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)
    start_date = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), to_field_name="code", required=False
    )
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PublicationForm(_OwnedForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Publication.Kind.choices)
    authors = forms.CharField(label=_("Authors"), max_length=500, required=False)
    abstract = forms.CharField(
        label=_("Abstract"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="en")
    assessment = forms.IntegerField(
        label=_("Assessment reported on (number)"),
        required=False,
        min_value=1,
        help_text=_(
            "A needs assessment report names its assessment; the assessed country's "
            "managers release it."
        ),
    )


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    starts_at = forms.TimeField(
        label=_("Starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends_at = forms.TimeField(
        label=_("Ends at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    speakers = forms.ModelMultipleChoiceField(
        label=_("Speakers"),
        queryset=Participant.objects.none(),
        required=False,
        help_text=_("Add speakers as participants first."),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        speakers = self.fields["speakers"]
        speakers.queryset = event.participants.order_by("name")  # type: ignore[attr-defined]


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        to_field_name="slug",
        required=False,
    )
    organisation_name = forms.CharField(
        label=_("Organisation (if not in the directory)"), max_length=300, required=False
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Participant.Role.choices, initial=Participant.Role.PARTICIPANT
    )
    consent_public = forms.BooleanField(
        label=_("The participant agreed to be named in the public record"), required=False
    )


class OutcomeForm(forms.Form):
    text = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}))
    needs = forms.MultipleChoiceField(label=_("Needs it produced"), required=False)
    plans = forms.MultipleChoiceField(label=_("Plans it produced"), required=False)
    consultations = forms.MultipleChoiceField(label=_("Consultations it produced"), required=False)

    def __init__(
        self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for field, options in choices.items():
            self.fields[field].choices = options  # type: ignore[attr-defined]


def sources_from_text(text: str) -> list[dict[str, str]]:
    """One source a line: "Title | https://..." or the address alone."""
    sources = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        title, sep, url = line.rpartition("|")
        if not sep:
            title, url = "", line
        sources.append({"title": title.strip(), "url": url.strip()})
    return sources


def sources_to_text(sources: list[dict[str, str]]) -> str:
    return "\n".join(
        f"{s['title']} | {s['url']}" if s.get("title") and s["title"] != s["url"] else s["url"]
        for s in sources or []
    )


class _BriefingFields(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    threat = forms.CharField(
        label=_("Threat"),
        max_length=120,
        help_text=_("For example: business e-mail compromise, darknet markets."),
    )
    published_on = forms.DateField(
        label=_("Date of the briefing"), widget=forms.DateInput(attrs={"type": "date"})
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    sources = forms.CharField(
        label=_("Sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line: a title, a vertical bar, then the web address (http or https)."),
    )
    countries = forms.ModelMultipleChoiceField(
        label=_("Countries concerned"),
        queryset=Country.objects.order_by("name"),
        to_field_name="code",
        required=False,
    )
    needs = forms.MultipleChoiceField(
        label=_("Needs it creates"),
        required=False,
        help_text=_("Training of police, prosecutors and judges; awareness of consumers ..."),
    )

    def __init__(self, *args: Any, need_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = need_choices  # type: ignore[attr-defined]

    def clean_sources(self) -> list[dict[str, str]]:
        return sources_from_text(self.cleaned_data.get("sources", ""))


class BriefingForm(_OwnedForm, _BriefingFields):
    def __init__(
        self,
        *args: Any,
        owners: list[tuple[str, str]],
        need_choices: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, owners=owners, need_choices=need_choices, **kwargs)


class BriefingEditForm(_BriefingFields):
    """The briefing's text, sources and links, with the version it was read at (its
    label changes on the sharing page)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
