"""Rating pages: a factor (or pillar) at a time, a row at a time (htmx), the rating sheet,
evidence files."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from reef.assessments import forms, rules, selectors, services, sheets
from reef.assessments.models import DEFAULT_RATING_TLP, Assessment, RatingValue, Status
from reef.assessments.views.common import _actor, _post_only
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.tlp import stricter
from reef.frameworks import selectors as framework_selectors
from reef.frameworks.models import Indicator


def _groups(a: Assessment) -> list[tuple[str, str]]:
    fw = framework_selectors.shown(a.framework)
    if fw.kind == "staged":
        return [(f.key, f"{f.key} {f.name}") for f in fw.factors]
    return [(p.key, p.name) for p in fw.pillars]


def _row_context(
    request: HttpRequest,
    a: Assessment,
    ind: Indicator,
    own: Any,
    others: list[Any],
    form: forms.RatingForm | None = None,
    choices: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    if form is None:
        initial = (
            {
                "value": own.value,
                "evidence_text": own.evidence_text,
                "evidence_link": own.evidence_link,
                "version": own.version,
            }
            if own
            else {"value": RatingValue.UNKNOWN}
        )
        form = forms.RatingForm(initial=initial, prefix=f"i{ind.pk}")
    texts = framework_selectors.indicator_texts(framework_selectors.shown(a.framework))
    return {
        "assessment": a,
        "indicator": ind,
        "text": texts.get(ind.key) or ind.text,
        "own": own,
        "others": others,
        "form": form,
        # Translated once per page, not once per row's select.
        "choices": choices if choices is not None else _value_choices(),
        "can_rate": a.status == Status.RATING,
    }


def _value_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in RatingValue.choices]


def _group_indicators(request: HttpRequest, a: Assessment) -> tuple[str, Any]:
    groups = _groups(a)
    group = request.GET.get("group") or groups[0][0]
    if group not in dict(groups):
        raise Http404
    indicators = Indicator.objects.filter(framework=a.framework).order_by("position")
    if a.framework.kind == "staged":
        return group, indicators.filter(factor_key=group)
    return group, indicators.filter(pillar_key=group)


@access(Rule.SERVICE)
def rating_form(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    if not allowed(rules.may_rate, request.user, a):
        raise DjangoPermissionDenied
    groups = _groups(a)
    group, indicators = _group_indicators(request, a)
    # The group's own ratings, and the count of all: a framework has hundreds of indicators.
    own = selectors.own_ratings(request.user, a, indicators)
    others: dict[int, list[Any]] = {}
    for r in selectors.ratings_visible(request.user, a).filter(indicator__in=indicators):
        if r.assessor_id != request.user.pk:
            others.setdefault(r.indicator_id, []).append(r)
    choices = _value_choices()
    rows = [
        _row_context(request, a, i, own.get(i.pk), others.get(i.pk, []), choices=choices)
        for i in indicators
    ]
    done = {k for k in dict(groups)}  # groups shown as links
    return render(
        request,
        "assessments/rate.html",
        {
            "assessment": a,
            "groups": groups,
            "group": group,
            "rows": rows,
            "can_rate": a.status == Status.RATING,
            "done": done,
            "own_count": selectors.own_rating_count(request.user, a),
            "rating_tlp": stricter(str(a.tlp), DEFAULT_RATING_TLP),
            "indicator_count": Indicator.objects.filter(framework=a.framework).count(),
        },
    )


def _posted_rows(
    request: HttpRequest, indicators: Iterable[Indicator], own: dict[int, Any]
) -> tuple[list[services.RatingRow], list[tuple[Indicator, Any]], dict[int, str]] | None:
    """The factor's posted rows, those never touched skipped: (rows, evidence files to
    attach, indicator key by row number). None, with the message, when a row is invalid."""
    rows: list[services.RatingRow] = []
    files: list[tuple[Indicator, Any]] = []
    keys: dict[int, str] = {}
    for n, ind in enumerate(indicators, start=1):
        form = forms.RatingForm(request.POST, request.FILES, prefix=f"i{ind.pk}")
        if not form.is_valid():
            messages.error(request, _("%(key)s: choose a rating.") % {"key": ind.key})
            return None
        data = form.cleaned_data
        upload = data.get("evidence_file")
        untouched = (
            data["value"] == RatingValue.UNKNOWN
            and not data["evidence_text"].strip()
            and not data["evidence_link"].strip()
            and upload is None
            and ind.pk not in own
        )
        if untouched:
            continue
        keys[n] = ind.key
        rows.append(
            services.RatingRow(
                indicator=ind.key,
                value=data["value"],
                evidence=data["evidence_text"],
                evidence_link=data["evidence_link"],
                version=data.get("version"),
                row=n,
            )
        )
        if upload is not None:
            files.append((ind, upload))
    return rows, files, keys


@access(Rule.SERVICE)
def rating_save_group(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a whole factor (or pillar) at once: the page's one save button.

    Rows left at 'unknown' with no evidence and never rated are not ratings yet and are
    skipped. All rows are checked together (versioned) and saved only if all are right;
    evidence files are then attached row by row.
    """
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    group, indicators = _group_indicators(request, a)
    back = reverse("assessments:rating_form", args=[a.pk]) + f"?group={group}"
    posted = _posted_rows(request, indicators, selectors.own_ratings(request.user, a, indicators))
    if posted is None:
        return redirect(back)
    rows, files, keys = posted
    if not rows:
        messages.info(request, _("Nothing to save: no indicator is rated yet."))
        return redirect(back)
    try:
        saved = services.ratings_submit_rows(
            actor=_actor(request), assessment=a, rows=rows, source="page"
        )
        for ind, upload in files:
            rating = next(r for r in saved if r.indicator_id == ind.pk)
            services.rating_submit(
                actor=_actor(request),
                assessment=a,
                indicator=ind,
                value=rating.value,
                evidence_text=rating.evidence_text,
                evidence_link=rating.evidence_link,
                evidence_file=upload,
            )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except services.RatingRowsInvalid as exc:
        for e in exc.errors:
            messages.error(request, f"{keys.get(e.row, e.row)}: {e.message}")
        return redirect(back)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("%(n)s ratings saved.") % {"n": len(saved)})
    return redirect(back)


@access(Rule.SERVICE)
def rating_save(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    try:
        ind = Indicator.objects.get(pk=indicator_id, framework=a.framework)
    except Indicator.DoesNotExist:
        raise Http404 from None
    form = forms.RatingForm(request.POST, request.FILES, prefix=f"i{ind.pk}")
    error = ""
    saved = None
    if form.is_valid():
        try:
            saved = services.rating_submit(
                actor=_actor(request),
                assessment=a,
                indicator=ind,
                value=form.cleaned_data["value"],
                evidence_text=form.cleaned_data["evidence_text"],
                evidence_link=form.cleaned_data["evidence_link"],
                evidence_file=form.cleaned_data.get("evidence_file"),
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except ServiceError as exc:
            error = exc.message
    else:
        error = _("Choose a rating.")
    if request.htmx:  # type: ignore[attr-defined]
        # The rating just saved is the row's own; read only when the save was refused.
        own = saved or selectors.own_ratings(request.user, a, [ind]).get(ind.pk)
        others = [
            r
            for r in selectors.ratings_visible(request.user, a).filter(indicator=ind)
            if r.assessor_id != request.user.pk
        ]
        ctx = _row_context(request, a, ind, own, others, form if error else None)
        ctx["error"] = error
        ctx["saved"] = not error
        return render(request, "assessments/_rating_row.html", ctx, status=400 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Rating saved."))
    group = ind.factor_key or ind.pillar_key
    return redirect(reverse("assessments:rating_form", args=[a.pk]) + f"?group={group}#i{ind.pk}")


def sheet_error_lines(exc: ServiceError) -> list[str]:
    """A sheet's refusal as lines to show: one per row and column when rows are wrong."""
    errors = getattr(exc, "errors", None)
    if not errors:
        return [exc.message]
    return [exc.message] + [
        _("Row %(row)s, column %(column)s: %(message)s")
        % {"row": e.row, "column": sheets.column_of(e.field) or "?", "message": e.message}
        for e in errors
    ]


@access(Rule.SERVICE)
def rating_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the assessor's own rating sheet (XLSX); POST: import it back, filled."""
    a = selectors.assessment_get(request.user, pk)
    if not allowed(rules.may_rate, request.user, a):
        raise DjangoPermissionDenied
    back = reverse("assessments:rating_form", args=[a.pk])
    if request.method == "POST":
        upload = request.FILES.get("sheet")
        if upload is None:
            messages.error(request, _("Choose the filled rating sheet (XLSX) to import."))
            return redirect(back)
        data = upload.read(settings.REEF_MAX_UPLOAD_BYTES + 1)
        try:
            saved = services.ratings_import_sheet(actor=_actor(request), assessment=a, data=data)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except ServiceError as exc:
            for line in sheet_error_lines(exc):
                messages.error(request, line)
            return redirect(back)
        messages.success(request, _("%(n)s ratings imported from your sheet.") % {"n": len(saved)})
        return redirect(back)
    response = HttpResponse(
        sheets.export_sheet(request.user, a),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="reef-rating-sheet-{a.pk}-{a.country.code}-{a.cycle}.xlsx"'
    )
    return response


@access(Rule.LABELLED)
def evidence_download(request: HttpRequest, pk: int, rating_id: int) -> FileResponse:
    a = selectors.assessment_get(request.user, pk)
    rating = selectors.rating_get(request.user, a, rating_id)
    if not rating.evidence_file:
        raise Http404
    response = FileResponse(
        rating.evidence_file.open("rb"),
        content_type=rating.evidence_content_type,
        as_attachment=True,
        filename=(rating.evidence_file.name or "").rsplit("/", 1)[-1],
    )
    return response
