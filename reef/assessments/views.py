"""Assessment pages. Thin: reads through selectors, writes through services."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from reef.accounts.models import User
from reef.assessments import (
    charts,
    forms,
    report,
    reportfiles,
    rules,
    scoring,
    selectors,
    services,
)
from reef.assessments.models import (
    DEFAULT_RATING_TLP,
    Assessment,
    RatingValue,
    ReportFile,
    Status,
)
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.http import paginate
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import call_service
from reef.core.tlp import stricter
from reef.directory.models import Country
from reef.frameworks import selectors as framework_selectors
from reef.frameworks.models import Indicator

#: Template name -> the rule deciding whether that action's button shows.
_ACTIONS = {
    "accept": rules.may_accept,
    "open_rating": rules.may_open_rating,
    "assign_team": rules.may_assign_team,
    "session_record": rules.may_record_session,
    "rate": rules.may_rate,
    "close_rating": rules.may_close_rating,
    "decide": rules.may_decide,
    "finish_consolidation": rules.may_finish_consolidation,
    "set_summary": rules.may_set_summary,
    "set_targets": rules.may_set_targets,
    "agree_targets": rules.may_agree_targets,
    "gap_to_need": rules.may_propose_need,
    "open_review": rules.may_open_review,
}


def _can(user: Any, a: Assessment) -> dict[str, bool]:
    """What the user may do to `a`, by the same rules the services require."""
    can = {name: allowed(rule, user, a) for name, rule in _ACTIONS.items()}
    can["reassess"] = allowed(rules.may_request, user, a.country)
    # The country's managers own its report in the public record (they release it).
    can["publish_report"] = a.status == Status.COMPLETE and allowed(
        rules.may_agree_targets, user, a
    )
    return can


def _requestable_countries(user: Any) -> list[Country]:
    return [c for c in Country.objects.order_by("name") if allowed(rules.may_request, user, c)]


def _actor(request: HttpRequest) -> User:
    """The signed-in user taking a step (services only act for real users)."""
    user = request.user
    if not isinstance(user, User):
        raise DjangoPermissionDenied
    return user


def _detail_url(a: Assessment) -> str:
    return reverse("assessments:assessment_detail", args=[a.pk])


#: Assessments listed per page.
ASSESSMENTS_PER_PAGE = 50


@access(Rule.LABELLED)
def assessment_list(request: HttpRequest) -> HttpResponse:
    assessments = selectors.assessments_for(request.user)
    country = request.GET.get("country", "").upper()
    if country:
        assessments = assessments.filter(country__code=country)
    # A region holds several cycles of each country's assessments: a page at a time.
    page, query = paginate(request, assessments, ASSESSMENTS_PER_PAGE)
    return render(
        request,
        "assessments/assessment_list.html",
        {
            "assessments": page.object_list,
            "page": page,
            "query": query,
            "country": country,
            "can_request": bool(_requestable_countries(request.user)),
        },
    )


@access(Rule.SIGNED_IN)
def assessment_request(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    countries = [(c.code, c.name) for c in _requestable_countries(request.user)]
    frameworks = [
        (fw.ref, f"{framework_selectors.shown(fw).name} {fw.release}")
        for fw in framework_selectors.frameworks_for(request.user)
    ]
    form = forms.RequestForm(request.POST or None, countries=countries, frameworks=frameworks)
    if request.method == "POST" and form.is_valid():
        outcome = call_service(
            request,
            lambda: services.assessment_request(
                actor=_actor(request),
                country=Country.objects.get(code=form.cleaned_data["country"]),
                framework=framework_selectors.framework_by_ref(
                    request.user, form.cleaned_data["framework"]
                ),
                cycle=form.cleaned_data["cycle"],
                title=form.cleaned_data["title"],
            ),
            _("Assessment requested."),
            form=form,
        )
        if outcome.result is not None:
            return redirect(_detail_url(outcome.result))
    return render(request, "assessments/request.html", {"form": form, "countries": countries})


@access(Rule.LABELLED)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    context: dict[str, Any] = {
        "assessment": a,
        "steps": Status.choices,
        "current_step": a.status_index(),
        "team": a.team.all(),
        "memberships": a.memberships.select_related("user"),
        "team_changes": selectors.team_history(request.user, a),
        "rating_blockers": services.rating_blockers(a) if a.status == Status.ACCEPTED else [],
        "sessions": selectors.sessions_of(request.user, a),
        "team_form": forms.TeamForm(),
        "session_form": forms.SessionForm(),
        "summary_form": forms.SummaryForm(initial={"summary": a.summary}),
        "cycles": selectors.cycles_of(request.user, a),
        "own_rated": selectors.own_rating_count(request.user, a),
        "indicator_count": Indicator.objects.filter(framework=a.framework).count(),
        "can": _can(request.user, a),
        "review": (
            selectors.review_record(request.user, a) if a.status == Status.COMPLETE else None
        ),
        # Whether anyone opened it (the button then goes, even for who cannot see it).
        "review_exists": a.status == Status.COMPLETE and selectors.review_exists(a),
    }
    return render(request, "assessments/assessment_detail.html", context)


def _post_only(request: HttpRequest, pk: int) -> Assessment | HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return a


STEPS: dict[str, tuple[Callable[..., object], Promise]] = {
    "accept": (services.assessment_accept, gettext_lazy("Request accepted.")),
    "open-rating": (services.assessment_open_rating, gettext_lazy("Rating is open.")),
    "close-rating": (
        services.assessment_close_rating,
        gettext_lazy("Rating closed: consolidation is open."),
    ),
    "finish-consolidation": (
        services.assessment_finish_consolidation,
        gettext_lazy("Consolidation finished: set the targets with the country."),
    ),
    "agree-targets": (
        services.assessment_agree_targets,
        gettext_lazy("Targets agreed: the draft report is ready for the country's review."),
    ),
    "open-review": (
        services.assessment_review_open,
        gettext_lazy("The review of the draft report is open: the country's managers are invited."),
    ),
}


@access(Rule.SERVICE)
def assessment_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    if step not in STEPS:
        raise Http404
    service, done = STEPS[step]
    call_service(request, lambda: service(actor=_actor(request), assessment=a), str(done))
    return redirect(_detail_url(a))


@access(Rule.SERVICE)
def assessment_reassess(request: HttpRequest, pk: int) -> HttpResponse:
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    cycle = request.POST.get("cycle", "")
    created: list[Assessment] = []
    call_service(
        request,
        lambda: created.append(
            services.assessment_request(
                actor=_actor(request),
                country=a.country,
                framework=a.framework,
                cycle=cycle,
            )
        ),
        _("Re-assessment requested."),
    )
    return redirect(_detail_url(created[0] if created else a))


@access(Rule.SERVICE)
def assessment_team(request: HttpRequest, pk: int) -> HttpResponse:
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    if not allowed(rules.may_assign_team, request.user, a):
        raise DjangoPermissionDenied
    form = forms.TeamForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the team members' and the lead's e-mail addresses."))
        return redirect(_detail_url(a))
    call_service(
        request,
        lambda: services.assessment_assign_team_by_email(
            actor=_actor(request),
            assessment=a,
            emails=form.emails(),
            lead_email=form.cleaned_data["lead"],
            roles=form.roles(),
        ),
        _("Team assigned."),
    )
    return redirect(_detail_url(a))


@access(Rule.SERVICE)
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    form = forms.SessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the session: cluster, date and participant counts."))
        return redirect(_detail_url(a))
    call_service(
        request,
        lambda: services.session_record(
            actor=_actor(request),
            assessment=a,
            cluster=form.cleaned_data["cluster"],
            held_on=form.cleaned_data["held_on"],
            participants=form.participants(),
            notes=form.cleaned_data["notes"],
        ),
        _("Session recorded."),
    )
    return redirect(_detail_url(a))


@access(Rule.SERVICE)
def summary_save(request: HttpRequest, pk: int) -> HttpResponse:
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    form = forms.SummaryForm(request.POST)
    form.is_valid()
    call_service(
        request,
        lambda: services.assessment_set_summary(
            actor=_actor(request), assessment=a, summary=form.cleaned_data.get("summary", "")
        ),
        _("Summary saved."),
    )
    return redirect(_detail_url(a))


# --------------------------------------------------------------------------- rating


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
        "can_rate": a.status == Status.RATING,
    }


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
    rows = [_row_context(request, a, i, own.get(i.pk), others.get(i.pk, [])) for i in indicators]
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
    own = selectors.own_ratings(request.user, a)
    rows: list[services.RatingRow] = []
    files: list[tuple[Indicator, Any]] = []
    keys: dict[int, str] = {}
    for n, ind in enumerate(indicators, start=1):
        form = forms.RatingForm(request.POST, request.FILES, prefix=f"i{ind.pk}")
        if not form.is_valid():
            messages.error(request, _("%(key)s: choose a rating.") % {"key": ind.key})
            return redirect(back)
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
    if form.is_valid():
        try:
            services.rating_submit(
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
        own = selectors.own_ratings(request.user, a).get(ind.pk)
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
    from reef.assessments import sheets

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
    from reef.assessments import sheets

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


# -------------------------------------------------------------------- consolidation


@access(Rule.SERVICE)
def consolidation(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    if not allowed(rules.may_decide, request.user, a):
        raise DjangoPermissionDenied
    result = selectors.assessment_result(a) if a.results_open else None
    decisions = {d.indicator_id: d for d in selectors.decisions_of(request.user, a)}
    keys = set(result.disputed) if result else set()
    indicators = (
        Indicator.objects.filter(framework=a.framework)
        .filter(key__in=keys | {d.indicator.key for d in decisions.values()})
        .order_by("position")
    )
    ratings: dict[int, list[Any]] = {}
    for r in selectors.ratings_visible(request.user, a).filter(indicator__in=indicators):
        ratings.setdefault(r.indicator_id, []).append(r)
    assessors = sorted(
        {(r.assessor_key, r.assessor_name) for rs in ratings.values() for r in rs},
        key=lambda x: x[1],
    )
    assessors = [(name, name) for _key, name in assessors]
    items = []
    texts = framework_selectors.indicator_texts(framework_selectors.shown(a.framework))
    for ind in indicators:
        d = decisions.get(ind.pk)
        initial = {"value": d.value, "note": d.note, "dissent": d.dissent} if d else {}
        items.append(
            {
                "indicator": ind,
                "text": texts.get(ind.key) or ind.text,
                "ratings": ratings.get(ind.pk, []),
                "decision": d,
                "disputed": ind.key in keys,
                "form": forms.DecisionForm(
                    initial=initial, assessors=assessors, prefix=f"d{ind.pk}"
                ),
            }
        )
    return render(
        request,
        "assessments/consolidation.html",
        {
            "assessment": a,
            "items": items,
            "disputed_count": len(keys),
            "can_decide": a.status == Status.CONSOLIDATION,
        },
    )


@access(Rule.SERVICE)
def decision_save(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    try:
        ind = Indicator.objects.get(pk=indicator_id, framework=a.framework)
    except Indicator.DoesNotExist:
        raise Http404 from None
    names = sorted(
        {r.assessor_name for r in selectors.ratings_visible(request.user, a).filter(indicator=ind)}
    )
    form = forms.DecisionForm(request.POST, assessors=[(n, n) for n in names], prefix=f"d{ind.pk}")
    if not form.is_valid():
        messages.error(request, _("A decision needs a value and a note."))
    else:
        call_service(
            request,
            lambda: services.decision_record(
                actor=_actor(request),
                assessment=a,
                indicator=ind,
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                dissent=form.cleaned_data["dissent"],
            ),
            _("Decision recorded."),
        )
    return redirect(reverse("assessments:consolidation", args=[a.pk]) + f"#d{ind.pk}")


# ------------------------------------------------------------------ results, report


@access(Rule.LABELLED)
def results(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    can = _can(request.user, a)
    context: dict[str, Any] = {"assessment": a, "can": can}
    if a.results_open:
        context.update(report.report_context(request.user, a))
        context["can_set_targets"] = a.status == Status.TARGETS and can["set_targets"]
        context["targets"] = selectors.targets_of(a)
        context["parsed"] = framework_selectors.shown(a.framework)
    return render(request, "assessments/results.html", context)


@access(Rule.SERVICE)
def targets_save(request: HttpRequest, pk: int) -> HttpResponse:
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    targets: dict[str, float] = {}
    for name in request.POST:
        raw = request.POST.get(name, "")
        if name.startswith("target-") and raw.strip():
            try:
                targets[name.removeprefix("target-")] = float(raw)
            except ValueError:
                messages.error(request, _("Targets must be numbers."))
                return redirect(reverse("assessments:results", args=[a.pk]))
    call_service(
        request,
        lambda: services.target_set(actor=_actor(request), assessment=a, targets=targets),
        _("Targets saved."),
    )
    return redirect(reverse("assessments:results", args=[a.pk]))


def _results_or_404(a: Assessment) -> None:
    if not a.results_open:
        raise Http404


def _report_states(
    request: HttpRequest, a: Assessment, formats: Sequence[str] = ReportFile.Format.values
) -> list[dict[str, Any]]:
    """Each format's stored report for this reader (or None) and whether they may ask."""
    may = allowed(rules.may_get_report, request.user, a)
    stored = reportfiles.reports_current(request.user, a)
    return [
        {
            "format": fmt,
            "label": ReportFile.Format(fmt).label,
            "file": stored[fmt],
            "may_prepare": may,
        }
        for fmt in formats
    ]


@access(Rule.LABELLED)
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    _results_or_404(a)
    return render(
        request,
        "assessments/report.html",
        {
            "assessment": a,
            "downloads": _report_states(request, a),
            **report.report_context(request.user, a),
        },
    )


def _format_or_404(fmt: str) -> str:
    if fmt not in ReportFile.Format.values:
        raise Http404
    return fmt


@access(Rule.LABELLED)
def report_download(request: HttpRequest, pk: int, fmt: str = "pdf") -> HttpResponseBase:
    """The stored report this reader would get now; while there is none, the report page
    (where it is asked for and its progress shown). Reads only."""
    a = selectors.assessment_get(request.user, pk)
    _results_or_404(a)
    row = reportfiles.report_current(request.user, a, fmt=_format_or_404(fmt))
    if row is None or row.state != ReportFile.State.DONE or not row.file:
        return redirect(reverse("assessments:report", args=[a.pk]) + "#downloads")
    return reportfiles.file_response(request, row)


@access(Rule.LABELLED)
def report_status(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The small fragment the report page polls while a report is being made."""
    a = selectors.assessment_get(request.user, pk)
    _results_or_404(a)
    (d,) = _report_states(request, a, [_format_or_404(fmt)])
    return render(request, "assessments/_report_download.html", {"assessment": a, "d": d})


@access(Rule.SERVICE)
def report_prepare(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Ask the worker for this reader's report (a write: it may queue a task)."""
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    _results_or_404(a)
    fmt = _format_or_404(fmt)
    call_service(
        request,
        lambda: reportfiles.report_request(actor=_actor(request), assessment=a, fmt=fmt),
        _("The report is being prepared."),
    )
    return redirect(reverse("assessments:report", args=[a.pk]) + "#downloads")


@access(Rule.LABELLED)
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(request.user, pk)
    cycles = [c for c in selectors.cycles_of(request.user, a) if c.results_open]
    other_pk = request.GET.get("with", "")
    before = None
    if other_pk:
        before = next((c for c in cycles if str(c.pk) == other_pk), None)
    elif a.previous_id:
        before = next((c for c in cycles if c.pk == a.previous_id), None)
    comparison = None
    if before is not None and a.results_open and before.pk != a.pk:
        comparison = scoring.compare(
            selectors.assessment_result(before), selectors.assessment_result(a)
        )
    names: dict[str, str] = {}
    fw = framework_selectors.shown(a.framework)
    if fw.kind == "staged":
        names = {x.key: x.name for x in fw.aspects}
    else:
        names = {p.key: p.name for p in fw.pillars}
    radars = []
    if comparison is not None and before is not None and fw.kind == "staged":
        old = {f.key: f.stage_mean for f in selectors.assessment_result(before).factors}
        new = {f.key: f.stage_mean for f in selectors.assessment_result(a).factors}
        for d in fw.dimensions:
            axes = [charts.Axis(f"{f.key} {f.name}", new.get(f.key, 0.0)) for f in d.factors]
            earlier = [old.get(f.key, 0.0) for f in d.factors]
            # charts.radar escapes every label it draws.
            svg = charts.radar(f"{d.key} {d.name}", axes, earlier=earlier)
            radars.append(mark_safe(svg))  # noqa: S308  # nosec B308 B703
    return render(
        request,
        "assessments/compare.html",
        {
            "assessment": a,
            "before": before,
            "comparison": comparison,
            "counts": comparison.counts() if comparison else {},
            "changes": [
                {
                    "key": c.key,
                    "name": names.get(c.key, ""),
                    "before": c.before,
                    "after": c.after,
                    "movement": c.movement,
                }
                for c in (comparison.changes if comparison else ())
            ],
            "cycles": [c for c in cycles if c.pk != a.pk],
            "radars": radars,
        },
    )


@access(Rule.LABELLED)
def trends(request: HttpRequest, pk: int) -> HttpResponse:
    """A country's stages (or scores) over every cycle it has, as a chart and a table."""
    a = selectors.assessment_get(request.user, pk)
    trend = selectors.trends(request.user, a, language=get_language())
    return render(
        request,
        "assessments/trends.html",
        {"assessment": a, "trend": trend, "chart": report.trend_chart(trend)},
    )


@access(Rule.SERVICE)
def gap_to_need(request: HttpRequest, pk: int, aspect: str) -> HttpResponse:
    """The country's manager turns a gap into a need of the national plan."""
    a = _post_only(request, pk)
    if isinstance(a, HttpResponse):
        return a
    outcome = call_service(
        request,
        lambda: services.gap_propose_need(actor=_actor(request), assessment=a, aspect=aspect),
        _("The gap is now a need of the national plan."),
    )
    if outcome.result is None:
        return redirect(reverse("assessments:results", args=[a.pk]))
    return redirect(reverse("planning:need_detail", args=[outcome.result.pk]))
