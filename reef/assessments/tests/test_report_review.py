"""Issue 14: the assessed country reviews the draft report section by section (the
consultations' section-review engine); the team lead decides each amendment; the report
is released only once the review closed with every amendment decided, and records it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from reef.assessments import report, selectors, services
from reef.assessments.models import Assessment, Status
from reef.assessments.tests.helpers import build
from reef.consultations import services as consultation_services
from reef.consultations.models import Amendment, Consultation, Participation, Section
from reef.core.errors import Conflict, PermissionDenied, ServiceError
from reef.core.models import AuditEntry
from reef.directory.models import Country
from reef.experts.services import working_days
from reef.notifications.models import Notification
from reef.records import services as record_services
from reef.records.models import Publication

pytestmark = pytest.mark.django_db


def _open(users: dict[str, Any], a: Assessment) -> Consultation:
    return services.assessment_review_open(actor=users["coordinator"], assessment=a)


def _amend(users: dict[str, Any], review: Consultation, number: int = 1) -> Amendment:
    """The focal point joins the review and proposes a new text for section `number`."""
    consultation_services.participant_join(
        actor=users["focal_point"],
        consultation=review,
        sector="government",
        country=Country.objects.get(code="GD"),
    )
    section = Section.objects.get(consultation=review, number=number)
    return consultation_services.amendment_propose(
        actor=users["focal_point"],
        section=section,
        proposed_text="AMENDED-SUMMARY: Grenada has a national strategy since 2024.",
        rationale="The strategy was adopted in 2024.",
    )


def _close(review: Consultation) -> None:
    """Time passes: the review window ends (no service shortens a window, by design)."""
    Consultation.objects.filter(pk=review.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=20),
        closes_at=timezone.now() - dt.timedelta(minutes=1),
    )
    review.refresh_from_db()


def _report_in_review(users: dict[str, Any], a: Assessment) -> Publication:
    pub = record_services.publication_create(
        actor=users["focal_point"],
        title="Grenada needs assessment report",
        kind="assessment_report",
        owner_country=a.country,
        assessment=a,
        tlp="TLP:AMBER",
    )
    return record_services.publication_submit(actor=users["focal_point"], publication=pub)


# ----------------------------------------------------------------------- services


def test_the_lead_opens_the_review_of_the_draft_report(users: dict[str, Any]) -> None:
    a = build(users, until=Status.COMPLETE)
    services.assessment_set_summary(actor=users["coordinator"], assessment=a, summary="SUM-1")
    review = _open(users, a)
    assert review.report_assessment == a
    assert review.participation == Participation.NAMED
    assert review.owner_country_id == a.country_id and review.tlp == a.tlp
    members = set(review.members.all())
    assert {users["focal_point"], users["coordinator"], users["expert"]} <= members
    assert users["outsider"] not in members
    sections = list(review.sections.order_by("number"))
    # Summary, one section per dimension of the example framework, the targets.
    dimensions = {d["key"] for d in report.report_context(users["coordinator"], a)["findings"]}
    assert len(sections) == len(dimensions) + 2
    assert sections[0].heading == "Executive summary" and sections[0].text.startswith("SUM-1")
    assert sections[-1].heading == "Targets agreed with the country"
    assert "P.1.a: 3" in sections[-1].text
    assert any("P.1.a.3.1" in s.text for s in sections)  # a missing indicator of a gap
    # At least REEF_REVIEW_MIN_WORKING_DAYS (10) working days, today counted.
    last_day = timezone.localtime(review.closes_at).date() - dt.timedelta(days=1)
    assert working_days(timezone.localdate(review.opens_at), last_day) == 10
    assert review.is_open()
    # The country's managers hear of it, with a link to the review.
    note = Notification.objects.get(kind="assessment.draft_report_ready")
    assert note.recipient == users["focal_point"]
    assert note.url == f"/consultations/{review.pk}/"
    assert AuditEntry.objects.filter(action="assessment_review_open").exists()


def test_targets_agreed_no_longer_notify_before_the_review(users: dict[str, Any]) -> None:
    build(users, until=Status.COMPLETE)
    assert not Notification.objects.filter(kind="assessment.draft_report_ready").exists()


@pytest.mark.parametrize("who", ["expert", "focal_point", "outsider", "public"])
def test_only_the_lead_or_a_coordinator_opens_the_review(users: dict[str, Any], who: str) -> None:
    a = build(users, until=Status.COMPLETE)
    with pytest.raises(PermissionDenied):
        services.assessment_review_open(actor=users[who], assessment=a)
    assert not Consultation.objects.filter(report_assessment=a).exists()


def test_the_review_opens_once_targets_are_agreed_and_only_once(users: dict[str, Any]) -> None:
    a = build(users, until=Status.TARGETS)
    with pytest.raises(ServiceError) as early:
        _open(users, a)
    assert early.value.code == "invalid_state"
    assert not Consultation.objects.filter(report_assessment=a).exists()
    services.target_set(actor=users["coordinator"], assessment=a, targets={"P.1.a": 3})
    services.assessment_agree_targets(actor=users["focal_point"], assessment=a)
    first = _open(users, a)
    with pytest.raises(Conflict):
        _open(users, a)
    assert list(Consultation.objects.filter(report_assessment=a)) == [first]


def test_a_window_shorter_than_the_minimum_is_refused(users: dict[str, Any]) -> None:
    a = build(users, until=Status.COMPLETE)
    with pytest.raises(ServiceError, match="at least 10 working days") as short:
        services.assessment_review_open(
            actor=users["coordinator"],
            assessment=a,
            closes_at=timezone.now() + dt.timedelta(days=3),
        )
    assert short.value.field == "closes_at"
    assert not Consultation.objects.filter(report_assessment=a).exists()
    # A longer window is fine, and once open it is never shortened.
    later = timezone.now() + dt.timedelta(days=30)
    review = services.assessment_review_open(
        actor=users["coordinator"], assessment=a, closes_at=later
    )
    assert review.closes_at == later
    with pytest.raises(ServiceError) as locked:
        consultation_services.consultation_set_window(
            actor=users["coordinator"],
            consultation=review,
            opens_at=None,
            closes_at=later - dt.timedelta(days=1),
        )
    assert locked.value.code == "window_locked"


def test_the_country_reviews_and_the_lead_decides(users: dict[str, Any]) -> None:
    a = build(users, until=Status.COMPLETE)
    review = _open(users, a)
    amendment = _amend(users, review)
    section = amendment.section
    consultation_services.section_comment_add(
        actor=users["focal_point"], section=section, body="Mention the strategy."
    )
    # The lead (and only the lead) hears of the amendment, with the page to decide it;
    # comments are not hand-offs.
    told = Notification.objects.get(kind="assessment.amendment_proposed")
    assert told.recipient == users["coordinator"] and told.subject_id == a.pk
    assert told.url == f"/consultations/{review.pk}/amendments/{amendment.pk}/decide/"
    assert Notification.objects.filter(kind="assessment.amendment_proposed").count() == 1
    # The reviewers do not decide their own amendments, nor does the team.
    for who in ("focal_point", "expert"):
        with pytest.raises(PermissionDenied):
            consultation_services.amendment_decide(
                actor=users[who], amendment=amendment, accept=True, reason="Fine."
            )
    with pytest.raises(ServiceError) as no_reason:
        consultation_services.amendment_decide(
            actor=users["coordinator"], amendment=amendment, accept=True, reason=" "
        )
    assert no_reason.value.field == "reason"
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.PENDING
    consultation_services.amendment_decide(
        actor=users["coordinator"], amendment=amendment, accept=True, reason="Confirmed."
    )
    section.refresh_from_db()
    assert section.text.startswith("AMENDED-SUMMARY")
    # The reviewers may not add sections to the report either.
    with pytest.raises(PermissionDenied):
        consultation_services.section_create(
            actor=users["focal_point"], consultation=review, heading="Extra", text="Text."
        )


def test_release_waits_for_the_review_to_close_with_every_amendment_decided(
    users: dict[str, Any],
) -> None:
    a = build(users, until=Status.COMPLETE)
    pub = _report_in_review(users, a)
    review = _open(users, a)
    amendment = _amend(users, review)
    with pytest.raises(ServiceError, match="review of the draft report is open") as open_:
        record_services.publication_release(actor=users["focal_point"], publication=pub)
    assert open_.value.code == "review_open"
    pub.refresh_from_db()
    assert pub.released_at is None
    _close(review)
    with pytest.raises(ServiceError, match="1 amendment to the draft report is still undecided"):
        record_services.publication_release(actor=users["focal_point"], publication=pub)
    pub.refresh_from_db()
    assert pub.released_at is None
    assert selectors.review_blockers(a)
    consultation_services.amendment_decide(
        actor=users["coordinator"], amendment=amendment, accept=False, reason="Out of scope."
    )
    assert selectors.review_blockers(a) == []
    record_services.publication_release(actor=users["focal_point"], publication=pub)
    pub.refresh_from_db()
    assert pub.released_at is not None


def test_the_final_report_records_the_review(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    a = build(users, until=Status.COMPLETE)
    without = clients["focal_point"].get(f"/assessments/{a.pk}/report/").content.decode()
    assert "Review by Grenada" in without and "was not reviewed by the country" in without
    review = _open(users, a)
    amendment = _amend(users, review)
    consultation_services.amendment_decide(
        actor=users["coordinator"], amendment=amendment, accept=True, reason="REASON-OK"
    )
    _close(review)
    html = clients["focal_point"].get(f"/assessments/{a.pk}/report/").content.decode()
    assert "8. Review by Grenada" in html
    assert "reviewed the draft of this report section by section" in html
    assert "The strategy was adopted in 2024." in html and "REASON-OK" in html
    assert "1. Executive summary" in html  # the amended section, named
    assert "Accepted changes" in html
    assert html.count("AMENDED-SUMMARY") == 2  # proposed text, and the section as accepted
    document = report.render_html(users["focal_point"], a)
    assert "8. Review by Grenada" in document and "REASON-OK" in document
    # The PDF is made by the worker from the same document (see test_report_files.py).
    assert report.render_pdf(users["focal_point"], a).startswith(b"%PDF")


# -------------------------------------------------------------------------- pages

OPEN_BUTTON = "Open the review of the draft report"


def test_the_assessment_page_offers_the_review_to_who_may_open_it(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    a = build(users, until=Status.COMPLETE)
    url = f"/assessments/{a.pk}/"
    assert OPEN_BUTTON in clients["coordinator"].get(url).content.decode()
    for who in ("focal_point", "expert"):
        page = clients[who].get(url)
        assert page.status_code == 200 and OPEN_BUTTON not in page.content.decode(), who
    assert clients["outsider"].get(url).status_code == 404
    assert clients["anonymous"].get(url).status_code in (302, 404)


def test_opening_the_review_from_the_page(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    a = build(users, until=Status.COMPLETE)
    step = f"/assessments/{a.pk}/step/open-review/"
    assert clients["anonymous"].post(step).status_code in (302, 403, 404)
    assert clients["outsider"].post(step).status_code == 404
    assert clients["expert"].post(step).status_code == 403
    assert not Consultation.objects.filter(report_assessment=a).exists()
    done = clients["coordinator"].post(step)
    assert done.status_code == 302 and done["Location"] == f"/assessments/{a.pk}/"
    review = Consultation.objects.get(report_assessment=a)
    page = clients["focal_point"].get(f"/assessments/{a.pk}/").content.decode()
    assert f'href="/consultations/{review.pk}/"' in page and "Review of the draft report" in page
    assert OPEN_BUTTON not in clients["coordinator"].get(f"/assessments/{a.pk}/").content.decode()
    # The country's managers reach the review and its sections; outsiders do not.
    consultation_page = clients["focal_point"].get(f"/consultations/{review.pk}/")
    assert consultation_page.status_code == 200
    assert f'href="/assessments/{a.pk}/"' in consultation_page.content.decode()  # and back
    assert clients["focal_point"].get(f"/consultations/{review.pk}/draft/1/").status_code == 200
    assert clients["outsider"].get(f"/consultations/{review.pk}/").status_code == 404
    # Opening twice from the page changes nothing.
    clients["coordinator"].post(step)
    assert Consultation.objects.filter(report_assessment=a).count() == 1


def test_joining_the_review_leads_to_the_draft(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    review = _open(users, build(users, until=Status.COMPLETE))
    join = f"/consultations/{review.pk}/join/"
    assert clients["anonymous"].post(
        join, {"sector": "government", "country": "GD"}
    ).status_code in (302, 404)
    assert (
        clients["outsider"].post(join, {"sector": "government", "country": "GD"}).status_code == 404
    )
    bad = clients["focal_point"].post(join, {"sector": "nobody", "country": "GD"})
    assert bad.status_code == 200 and not review.participants.exists()
    # A review has no statements to vote on: the reviewer lands on the draft's sections.
    done = clients["focal_point"].post(join, {"sector": "government", "country": "GD"})
    assert done.status_code == 302 and done["Location"] == f"/consultations/{review.pk}/draft/"
    assert review.participants.get().user == users["focal_point"]


def test_the_release_button_is_disabled_with_the_reason_while_the_review_runs(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    a = build(users, until=Status.COMPLETE)
    pub = _report_in_review(users, a)
    review = _open(users, a)
    page = clients["focal_point"].get(pub.get_absolute_url()).content.decode()
    assert "review of the draft report is open until" in page
    assert 'value="release"' not in page and "disabled" in page
    refused = clients["focal_point"].post(
        f"/records/publications/{pub.slug}/workflow/", {"action": "release"}, follow=True
    )
    assert refused.status_code == 200
    pub.refresh_from_db()
    assert pub.released_at is None
    _close(review)
    page = clients["focal_point"].get(pub.get_absolute_url()).content.decode()
    assert 'value="release"' in page


# ---------------------------------------------------------------------------- API


def test_review_api(users: dict[str, Any], clients: dict[str, Client]) -> None:
    a = build(users, until=Status.COMPLETE)
    url = f"/api/v1/assessments/{a.pk}/review"
    assert clients["anonymous"].get(url).status_code in (401, 404)
    assert clients["outsider"].get(url).status_code == 404
    before = clients["focal_point"].get(url)
    assert before.status_code == 200
    assert before.json()["consultation"] is None and before.json()["may_open"] is False
    assert clients["coordinator"].get(url).json()["may_open"] is True
    # Opening: anonymous, no access, no right, bad input; nothing is created.
    assert clients["anonymous"].post(url, {}, content_type="application/json").status_code in (
        401,
        403,
    )
    assert clients["outsider"].post(url, {}, content_type="application/json").status_code == 404
    assert clients["expert"].post(url, {}, content_type="application/json").status_code == 403
    short = (timezone.now() + dt.timedelta(days=2)).isoformat()
    bad = clients["coordinator"].post(url, {"closes_at": short}, content_type="application/json")
    assert bad.status_code == 400 and "working days" in bad.json()["detail"]
    assert not Consultation.objects.filter(report_assessment=a).exists()
    done = clients["coordinator"].post(url, {}, content_type="application/json")
    assert done.status_code == 201, done.content
    body = done.json()
    review = Consultation.objects.get(report_assessment=a)
    assert body["consultation"] == review.pk and body["is_open"] is True
    assert body["blockers"] and body["may_open"] is False
    again = clients["coordinator"].post(url, {}, content_type="application/json")
    assert again.status_code == 409
    # The country comments and amends through the consultation API; the review shows it.
    _amend(users, review)
    seen = clients["focal_point"].get(url).json()
    assert seen["participants"] == 1 and seen["pending"] == 1
    assert seen["amendments"][0]["heading"] == "Executive summary"
    assert seen["amendments"][0]["rationale"] == "The strategy was adopted in 2024."
    decided = clients["coordinator"].post(
        f"/api/v1/consultations/{review.pk}/amendments/{seen['amendments'][0]['id']}/decision",
        {"accept": False, "reason": "Not in the evidence."},
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.content
    assert clients["focal_point"].get(url).json()["amendments"][0]["status"] == "rejected"
