from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reef.records.models import EventFile


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
    reason = forms.CharField(max_length=500, required=False)


def _translation_languages() -> list[tuple[str, Any]]:
    from django.conf import settings

    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class EventTranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=_translation_languages)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)
    report = forms.CharField(label=_("Report of the event"), widget=forms.Textarea, required=False)
