"""The sharing page of any labelled record: /sharing/<app_label.model>/<id>/."""

from __future__ import annotations

from functools import partial
from typing import cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reef.core import sharing
from reef.core.errors import ServiceError
from reef.core.models import Labelled
from reef.core.routes import Rule, access
from reef.core.servicecall import call_service
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation


class SharingForm(forms.Form):
    tlp = forms.ChoiceField(label=gettext_lazy("TLP label"), choices=TLP.choices)
    countries = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Share with countries (TLP:AMBER only)"),
        queryset=Country.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Share with organisations (TLP:AMBER only)"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    readers = forms.CharField(
        label=gettext_lazy("Named readers (e-mail addresses, one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20_000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: object, record: Labelled, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        countries = cast("forms.ModelMultipleChoiceField[Country]", self.fields["countries"])
        organisations = cast(
            "forms.ModelMultipleChoiceField[Organisation]", self.fields["organisations"]
        )
        if sharing.kind_of(record) in sharing.LABEL_SET_ELSEWHERE:
            self.fields["tlp"].disabled = True
            self.fields["tlp"].help_text = sharing.LABEL_SET_ELSEWHERE[sharing.kind_of(record)]
        # The owner reads its record already: it is not offered.
        countries.queryset = Country.objects.exclude(
            pk__in=[record.owner_country_id] if record.owner_country_id else []
        ).order_by("name")
        organisations.queryset = Organisation.objects.exclude(
            pk__in=[record.owner_organisation_id] if record.owner_organisation_id else []
        ).order_by("name")

    def reader_emails(self) -> list[str]:
        text: str = self.cleaned_data.get("readers") or ""
        return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _initial(record: Labelled) -> dict[str, object]:
    return {
        "tlp": record.tlp,
        "countries": list(record.shared_with_countries.all()),
        "organisations": list(record.shared_with_organisations.all()),
        "readers": "\n".join(sorted(record.readers.values_list("email", flat=True))),
        "version": record.version,
    }


def _record_or_404(request: HttpRequest, kind: str, pk: int) -> Labelled:
    try:
        return sharing.sharing_get(request.user, kind, pk)
    except ServiceError:
        raise Http404 from None


@access(Rule.LABELLED)
@login_required
def sharing_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Who reads this record: its label, shares and named readers (owners' editors only)."""
    record = _record_or_404(request, kind, pk)
    if request.method == "POST":
        form = SharingForm(request.POST, initial=_initial(record), record=record)
        if form.is_valid():
            data = form.cleaned_data
            outcome = call_service(
                request,
                partial(
                    sharing.record_sharing_update,
                    actor=request.user,  # type: ignore[arg-type]
                    record=record,
                    expected_version=data["version"],
                    tlp=data["tlp"],
                    countries=list(data["countries"]),
                    organisations=list(data["organisations"]),
                    readers=form.reader_emails(),
                ),
                _("Sharing saved."),
                form=form,
            )
            if outcome:
                return redirect(reverse("sharing", kwargs={"kind": kind, "pk": pk}))
            # The service refused: show the form again over the stored state.
            record = type(record)._base_manager.get(pk=record.pk)
        status = 400
    else:
        form = SharingForm(initial=_initial(record), record=record)
        status = 200
    state = sharing.sharing_of(record)
    link = getattr(record, "get_absolute_url", None)
    return render(
        request,
        "sharing/page.html",
        {
            "record": record,
            "state": state,
            "form": form,
            "record_url": link() if callable(link) else "",
            "verbose_name": record._meta.verbose_name,
        },
        status=status,
    )
