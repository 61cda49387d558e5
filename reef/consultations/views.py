"""Consultation pages. Thin: reads through selectors, writes through services."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from reef.accounts.models import User
from reef.consultations import rules as R
from reef.consultations import selectors, services
from reef.consultations.forms import (
    AmendmentForm,
    CommentForm,
    ConsultationForm,
    DecisionForm,
    DelphiForm,
    JoinForm,
    ModerateForm,
    RoundForm,
    SectionForm,
    StatementForm,
    VoteForm,
    WindowForm,
)
from reef.consultations.models import Amendment, Consultation, DelphiItem, Statement
from reef.core.access import can
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.routes import Rule, access
from reef.core.rules import allowed
from reef.core.servicecall import Outcome, call_service
from reef.directory.selectors import owner_choices, owner_from_choice


def _user(request: HttpRequest) -> User:
    """The signed-in user (views check sign-in first; services refuse anonymous actors)."""
    user = request.user
    if not isinstance(user, User):
        raise DjangoPermissionDenied()
    return user


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _context(request: HttpRequest, consultation: Consultation, **extra: Any) -> dict[str, Any]:
    user = request.user
    assessment = consultation.report_assessment
    # Buttons show only when the rule behind them allows the action (the services ask the same).
    return {
        "consultation": consultation,
        "participant": selectors.participant_for(user, consultation),
        "is_editor": allowed(R.may_set_window, user, consultation),
        "may_moderate": allowed(R.may_moderate, user, Statement(consultation=consultation)),
        "may_decide": allowed(R.may_decide_amendment, user, Amendment(consultation=consultation)),
        "may_create_round": allowed(R.may_create_round, user, consultation),
        "may_take_part": allowed(R.may_join, user, consultation),
        "is_open": consultation.is_open(),
        # The review of a draft report links back to its assessment, for who may see it.
        "report_assessment": assessment
        if assessment is not None and can(user, assessment)
        else None,
        **extra,
    }


_KEPT = "reef_kept_answers"
_KEPT_MAX_BYTES = 64_000


def _join_first(request: HttpRequest, pk: int, why: str) -> HttpResponse:
    """A reader who has not joined goes to the join page, then back here, where what they
    had typed (ratings, a statement, an amendment) waits for them to submit it."""
    messages.info(request, why)
    kept = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
    if len(repr(kept)) <= _KEPT_MAX_BYTES:
        request.session[_KEPT] = {"path": request.path, "data": kept}
    return redirect(
        reverse("consultations:join", args=[pk]) + "?" + urlencode({"next": request.path})
    )


def _kept_answers(request: HttpRequest) -> QueryDict | None:
    """What this person posted here before they had to join, once, for the form to show."""
    if request.method != "GET" or _KEPT not in request.session:
        return None
    kept = request.session[_KEPT]
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return None
    del request.session[_KEPT]
    data = QueryDict(mutable=True)
    for key, values in dict(kept.get("data") or {}).items():
        data.setlist(str(key), [str(v) for v in values])
    messages.info(request, _("What you entered before joining is kept below: submit it now."))
    return data


def _require_signed_in(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


@access(Rule.LABELLED)
def consultation_list(request: HttpRequest) -> HttpResponse:
    consultations = selectors.consultations_for(request.user)
    return render(
        request,
        "consultations/consultation_list.html",
        {"consultations": consultations, "now": timezone.now()},
    )


@access(Rule.LABELLED)
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    return render(
        request,
        "consultations/consultation_detail.html",
        _context(
            request,
            consultation,
            n_statements=selectors.statements_for(request.user, consultation)
            .filter(status=Statement.Status.ACCEPTED)
            .count(),
            rounds=selectors.delphi_rounds(request.user, consultation),
            sections=selectors.sections_for(request.user, consultation),
            window_form=WindowForm(
                initial={"opens_at": consultation.opens_at, "closes_at": consultation.closes_at}
            ),
        ),
    )


@access(Rule.SERVICE)
def participant_join(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    if (login := _require_signed_in(request)) is not None:
        return login
    participant = selectors.participant_for(request.user, consultation)
    initial = (
        {
            "sector": participant.sector,
            "country": participant.country.code if participant.country else None,
        }
        if participant
        else {}
    )
    form = JoinForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            request,
            lambda: services.participant_join(
                actor=_user(request),
                consultation=consultation,
                sector=form.cleaned_data["sector"],
                country=form.cleaned_data["country"],
            ),
            form=form,
        )
    ):
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            # A draft report's review has nothing to vote on: its reviewers go to the draft.
            after = "draft" if consultation.report_assessment_id else "vote"
            target = reverse(f"consultations:{after}", args=[pk])
        return redirect(target)
    status = 200 if allowed(R.may_join, request.user, consultation) else 403
    return render(
        request,
        "consultations/join.html",
        _context(request, consultation, form=form),
        status=status,
    )


@access(Rule.SERVICE)
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """The next statement to vote on; POST records a vote (htmx swaps the card)."""
    consultation = selectors.consultation_get(request.user, pk)
    if (login := _require_signed_in(request)) is not None:
        return login
    status = 200
    error = ""
    if request.method == "POST":
        form = VoteForm(request.POST)
        if form.is_valid():
            statement = selectors.statement_get(
                request.user, consultation, form.cleaned_data["statement"]
            )
            try:
                services.vote_cast(
                    actor=_user(request),
                    statement=statement,
                    value=form.cleaned_data["value"],
                    ip=_ip(request),
                )
            except services.RateLimited as exc:
                error, status = exc.message, 429
            except ServiceError as exc:
                if isinstance(exc, PermissionDenied):
                    raise DjangoPermissionDenied(exc.message) from None
                if exc.code == "join_required":
                    return redirect("consultations:join", pk=pk)
                error, status = exc.message, 400
            else:
                if not _htmx(request):
                    return redirect("consultations:vote", pk=pk)
        else:
            error, status = _("Choose agree, disagree or pass."), 400
    participant = selectors.participant_for(request.user, consultation)
    ctx = _context(
        request,
        consultation,
        statement=selectors.next_statement(request.user, consultation) if participant else None,
        error=error,
        n_voted=len(selectors.my_votes(request.user, consultation)),
        statement_form=StatementForm(),
    )
    if _htmx(request):
        # htmx swaps 2xx responses only: show the error in the card.
        return render(request, "consultations/_vote_card.html", ctx)
    if not ctx["may_take_part"]:
        status = 403
    return render(request, "consultations/vote.html", ctx, status=status)


@access(Rule.LABELLED)
def statement_list(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    form = StatementForm(request.POST or _kept_answers(request))
    if request.method == "POST":
        if (login := _require_signed_in(request)) is not None:
            return login
        if form.is_valid():
            outcome = call_service(
                request,
                lambda: services.statement_submit(
                    actor=_user(request),
                    consultation=consultation,
                    body=form.cleaned_data["body"],
                ),
                form=form,
            )
            if outcome.code == "join_required":
                return _join_first(request, pk, outcome.message)
            if outcome.result is not None:
                messages.success(
                    request,
                    _("Statement added.")
                    if outcome.result.status == Statement.Status.ACCEPTED
                    else _("Thank you: your statement will appear once a moderator accepts it."),
                )
                return redirect("consultations:statement_list", pk=pk)
    return render(
        request,
        "consultations/statement_list.html",
        _context(
            request,
            consultation,
            statements=selectors.statements_for(request.user, consultation),
            my_votes=selectors.my_votes(request.user, consultation),
            form=form,
        ),
    )


@access(Rule.SERVICE)
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    if (login := _require_signed_in(request)) is not None:
        return login
    if not allowed(R.may_moderate, request.user, Statement(consultation=consultation)):
        raise DjangoPermissionDenied(_("Only the owner's editors moderate."))
    if request.method == "POST":
        form = ModerateForm(request.POST)
        if form.is_valid():
            statement = selectors.statement_get(
                request.user, consultation, form.cleaned_data["statement"]
            )
            call_service(
                request,
                lambda: services.statement_moderate(
                    actor=_user(request),
                    statement=statement,
                    status=form.cleaned_data["status"],
                ),
            )
        return redirect("consultations:moderate", pk=pk)
    return render(
        request,
        "consultations/moderate.html",
        _context(
            request, consultation, pending=selectors.pending_statements(request.user, consultation)
        ),
    )


#: Statements drawn as group bars per report page.
BARS_PER_PAGE = 12


@access(Rule.LABELLED)
def report(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    stored = selectors.consultation_analysis(request.user, consultation)
    data = selectors.consultation_report(request.user, consultation, stored.analysis)
    template = "consultations/_report_body.html" if _htmx(request) else "consultations/report.html"
    # Long conversations: the bars come a page at a time (a bad page number shows the
    # nearest page, as Paginator.get_page does).
    bars = Paginator(data.bars, BARS_PER_PAGE).get_page(request.GET.get("page"))
    my_group = selectors.my_group_summary(request.user, consultation, stored)
    if my_group is not None:
        # Each statement named links to its bars, on whichever page they are.
        pages = {b.statement: i // BARS_PER_PAGE + 1 for i, b in enumerate(data.bars)}
        for item in (*my_group["differences"], *my_group["common"]):
            item["page"] = pages.get(item["statement"])
    return render(
        request,
        template,
        _context(
            request,
            consultation,
            report=data,
            stored=stored,
            bars=bars,
            bar_legend=[
                (kind, selectors.VOTE_COLOURS[kind], name)
                for kind, name in (
                    ("agree", _("Agree")),
                    ("disagree", _("Disagree")),
                    ("pass", _("Pass")),
                )
            ],
            my_group=my_group,
        ),
    )


@access(Rule.SERVICE)
def window(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    if (login := _require_signed_in(request)) is not None:
        return login
    if not allowed(R.may_set_window, request.user, consultation):
        raise DjangoPermissionDenied(_("Only the owner's editors change the window."))
    form = WindowForm(
        request.POST or None,
        initial={"opens_at": consultation.opens_at, "closes_at": consultation.closes_at},
    )
    if consultation.has_opened():
        form.fields["opens_at"].disabled = True  # an open window's opening cannot move
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            request,
            lambda: services.consultation_set_window(
                actor=_user(request),
                consultation=consultation,
                opens_at=form.cleaned_data["opens_at"],
                closes_at=form.cleaned_data["closes_at"],
            ),
            _("Window saved."),
            form=form,
        )
    ):
        return redirect("consultations:detail", pk=pk)
    return render(request, "consultations/window.html", _context(request, consultation, form=form))


# ---------------------------------------------------------------- Delphi


@access(Rule.SERVICE)
def delphi_round(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Rate the round's items. Feedback appears only after one's first answers."""
    consultation = selectors.consultation_get(request.user, pk)
    rnd = selectors.delphi_round_get(request.user, consultation, number)
    items = list(DelphiItem.objects.for_user(request.user).filter(round=rnd))
    mine = selectors.delphi_my_responses(request.user, rnd)
    form = DelphiForm(
        request.POST or _kept_answers(request),
        round=rnd,
        items=items,
        initial_ratings={k: v.rating for k, v in mine.items()},
    )
    if request.method == "POST":
        if (login := _require_signed_in(request)) is not None:
            return login
        if form.is_valid():
            outcome = call_service(
                request,
                lambda: services.delphi_respond(
                    actor=_user(request),
                    round=rnd,
                    ratings=form.ratings(),
                    comments=form.comments(),
                ),
                _("Your ratings are saved."),
                form=form,
            )
            if outcome.code == "join_required":
                return _join_first(request, pk, outcome.message)
            if outcome:
                return redirect("consultations:delphi", pk=pk, number=number)
    feedback = None
    if selectors.delphi_feedback_visible(request.user, rnd):
        feedback = selectors.delphi_feedback(request.user, rnd)
    return render(
        request,
        "consultations/delphi_round.html",
        _context(
            request,
            consultation,
            round=rnd,
            form=form,
            feedback=feedback,
            may_respond=allowed(R.may_respond, request.user, rnd),
            answered=bool(mine),
            first_answers={k: v.first_rating for k, v in mine.items()},
        ),
    )


# ---------------------------------------------------------------- draft review


@access(Rule.LABELLED)
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    return render(
        request,
        "consultations/draft.html",
        _context(
            request, consultation, sections=selectors.sections_for(request.user, consultation)
        ),
    )


@access(Rule.LABELLED)
def section_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    section = selectors.section_get(request.user, consultation, number)
    posted = request.POST or _kept_answers(request)
    kind = posted.get("kind") if posted else None
    comment_form = CommentForm(posted if kind == "comment" else None)
    amendment_form = AmendmentForm(
        posted if kind == "amendment" else None,
        initial={"proposed_text": section.text},
    )
    amendments = list(selectors.section_amendments(request.user, section))
    rebase_forms = _rebase_forms(request, amendments)
    if request.method == "POST":
        if (login := _require_signed_in(request)) is not None:
            return login
        outcome: Outcome[object] | None = None
        if comment_form.is_bound and comment_form.is_valid():
            outcome = call_service(
                request,
                lambda: services.section_comment_add(
                    actor=_user(request),
                    section=section,
                    body=comment_form.cleaned_data["body"],
                ),
                _("Comment added."),
                form=comment_form,
            )
        elif amendment_form.is_bound and amendment_form.is_valid():
            outcome = call_service(
                request,
                lambda: services.amendment_propose(
                    actor=_user(request),
                    section=section,
                    proposed_text=amendment_form.cleaned_data["proposed_text"],
                    rationale=amendment_form.cleaned_data["rationale"],
                ),
                _("Amendment proposed."),
                form=amendment_form,
            )
        elif request.POST.get("kind") == "rebase":
            outcome = _rebase(request, consultation, rebase_forms)
        if outcome is not None and outcome.code == "join_required":
            return _join_first(request, pk, outcome.message)
        if outcome:
            return redirect("consultations:section", pk=pk, number=number)
    return render(
        request,
        "consultations/section.html",
        _context(
            request,
            consultation,
            section=section,
            comments=selectors.section_comments(request.user, section),
            amendments=[(a, rebase_forms.get(a.pk)) for a in amendments],
            comment_form=comment_form,
            amendment_form=amendment_form,
        ),
    )


def _rebase_forms(request: HttpRequest, amendments: list[Amendment]) -> dict[int, AmendmentForm]:
    """A re-base form for each stale amendment the person may re-base (their own)."""
    found: dict[int, AmendmentForm] = {}
    for a in amendments:
        if a.is_stale and allowed(R.may_rebase_amendment, request.user, a):
            posted = request.POST.get("kind") == "rebase" and request.POST.get("amendment") == str(
                a.pk
            )
            found[a.pk] = AmendmentForm(
                request.POST if posted else None,
                prefix=f"rebase-{a.pk}",
                initial={"proposed_text": a.proposed_text, "rationale": a.rationale},
            )
    return found


def _rebase(
    request: HttpRequest, consultation: Consultation, by_amendment: dict[int, AmendmentForm]
) -> Outcome[object] | None:
    try:
        target = int(request.POST.get("amendment", ""))
    except ValueError:
        target = 0
    form = by_amendment.get(target)
    if form is None:
        # Not stale, not one's own, or not visible: the same refusal for each.
        messages.error(request, _("This amendment cannot be re-based."))
        return None
    if not form.is_valid():
        return None
    amendment = selectors.amendment_get(request.user, consultation, target)
    return call_service(
        request,
        lambda: services.amendment_rebase(
            actor=_user(request),
            amendment=amendment,
            proposed_text=form.cleaned_data["proposed_text"],
            rationale=form.cleaned_data["rationale"],
        ),
        _("Amendment re-based on the current text."),
        form=form,
    )


@access(Rule.SERVICE)
def amendment_decide(request: HttpRequest, pk: int, amendment_id: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    amendment = selectors.amendment_get(request.user, consultation, amendment_id)
    if (login := _require_signed_in(request)) is not None:
        return login
    if not allowed(R.may_decide_amendment, request.user, amendment):
        raise DjangoPermissionDenied(_("Only the author of the draft decides amendments."))
    form = DecisionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            request,
            lambda: services.amendment_decide(
                actor=_user(request),
                amendment=amendment,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            ),
            _("Decision recorded."),
            form=form,
        )
    ):
        return redirect("consultations:section", pk=pk, number=amendment.section.number)
    return render(
        request,
        "consultations/amendment_decide.html",
        _context(request, consultation, amendment=amendment, form=form),
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------- setting up (editors)


@access(Rule.SIGNED_IN)
@login_required
def consultation_create(request: HttpRequest) -> HttpResponse:
    """A new consultation, owned by an organisation or country where the user is an editor."""
    owners = owner_choices(request.user)
    form = ConsultationForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        owner_country, owner_organisation = owner_from_choice(form.cleaned_data["owner"])
        outcome = call_service(
            request,
            lambda: services.consultation_create(
                actor=_user(request),
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                owner_organisation=owner_organisation,
                owner_country=owner_country,
                tlp=form.cleaned_data["tlp"],
                participation=form.cleaned_data["participation"],
                community_grouping=form.cleaned_data["community_grouping"],
                opens_at=form.cleaned_data["opens_at"],
                closes_at=form.cleaned_data["closes_at"],
                document_title=form.cleaned_data["document_title"],
            ),
            form=form,
        )
        if outcome.result is not None:
            return redirect("consultations:manage", pk=outcome.result.pk)
    return render(request, "consultations/create.html", {"form": form, "may_create": bool(owners)})


@access(Rule.SERVICE)
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Editors add statements, Delphi rounds and draft sections."""
    consultation = selectors.consultation_get(request.user, pk)
    if (login := _require_signed_in(request)) is not None:
        return login
    if not (
        allowed(R.may_create_round, request.user, consultation)
        or allowed(R.may_create_section, request.user, consultation)
    ):
        raise DjangoPermissionDenied(_("Only the owner's editors set up the consultation."))
    kind = request.POST.get("kind", "")
    statement_form = StatementForm(request.POST if kind == "statement" else None)
    round_form = RoundForm(request.POST if kind == "round" else None)
    section_form = SectionForm(request.POST if kind == "section" else None)
    if request.method == "POST":
        user = _user(request)
        write: Callable[[], object] | None = None
        bound: forms.Form | None = None
        if statement_form.is_bound and statement_form.is_valid():
            body = statement_form.cleaned_data["body"]
            bound = statement_form
            write = partial(
                services.statement_submit, actor=user, consultation=consultation, body=body
            )
        elif round_form.is_bound and round_form.is_valid():
            data = round_form.cleaned_data
            bound = round_form
            write = partial(
                services.delphi_round_create,
                actor=user,
                consultation=consultation,
                title=data["title"],
                items=data["items"].splitlines(),
                scale=(1, data["scale_max"]),
                rule=data["rule"],
            )
        elif kind == "close_round":
            number = request.POST.get("number", "")
            rnd = selectors.delphi_round_get(
                request.user, consultation, int(number) if number.isdigit() else 0
            )
            write = partial(services.delphi_round_close, actor=user, round=rnd)
        elif section_form.is_bound and section_form.is_valid():
            section = section_form.cleaned_data
            bound = section_form
            write = partial(
                services.section_create,
                actor=user,
                consultation=consultation,
                heading=section["heading"],
                text=section["text"],
            )
        if write is None:
            messages.error(request, _("Check the form."))
        elif call_service(request, write, _("Saved."), form=bound):
            return redirect("consultations:manage", pk=pk)
    return render(
        request,
        "consultations/manage.html",
        _context(
            request,
            consultation,
            statement_form=statement_form,
            round_form=round_form,
            section_form=section_form,
            rounds=selectors.delphi_rounds(request.user, consultation),
        ),
    )
