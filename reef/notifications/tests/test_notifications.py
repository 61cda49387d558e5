from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from reef.assessments.models import Assessment
from reef.core.errors import ServiceError
from reef.core.models import AuditEntry
from reef.core.rules import DEMO, WORKER
from reef.core.tlp import TLP
from reef.notifications import mailing, recipients, selectors, services
from reef.notifications.models import Delivery, Notification
from reef.notifications.render import neutral, render
from tests_support.world import make_user


def _request_notice(a: Assessment, users: dict[str, Any]) -> list[Notification]:
    return services.notify(
        recipients=recipients.recipients_for("assessment.requested", a),
        kind="assessment.requested",
        subject_obj=a,
        actor=users["focal_point"],
        url=f"/assessments/{a.pk}/",
    )


def test_request_notifies_the_coordinators_by_mail_in_their_language(
    users: dict[str, Any],
    requested: Assessment,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    coordinator = users["coordinator"]
    coordinator.language = "es"
    coordinator.save(update_fields=["language"])
    languages: list[str | None] = []
    real = mailing._mail_text

    def spy(n: Notification) -> tuple[str, str]:
        languages.append(translation.get_language())
        return real(n)

    monkeypatch.setattr(mailing, "_mail_text", spy)
    with django_capture_on_commit_callbacks(execute=True):
        sent = _request_notice(requested, users)
    assert [n.recipient for n in sent] == [coordinator]
    assert languages == ["es"]  # built in the recipient's language, by the task
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [coordinator.email]
    assert requested.title in mail.subject
    assert f"/assessments/{requested.pk}/" in mail.body
    sent[0].refresh_from_db()
    assert sent[0].emailed_at is not None
    assert sent[0].tlp == TLP.RED
    # Mailing again sends nothing: once only.
    assert mailing.notification_email_send(notification_id=sent[0].pk) is False


def test_notify_skips_the_actor_duplicates_inactive_users_and_those_who_cannot_see(
    users: dict[str, Any], requested: Assessment
) -> None:
    gone = make_user(is_active=False)
    sent = services.notify(
        recipients=[
            users["coordinator"],
            users["coordinator"],
            users["focal_point"],  # the actor
            users["outsider"],  # Barbados: may not see a Grenada AMBER assessment
            gone,
        ],
        kind="assessment.requested",
        subject_obj=requested,
        actor=users["focal_point"],
    )
    assert [n.recipient for n in sent] == [users["coordinator"]]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "assessment.nonsense"}, "kind"),
        ({"kind": "planning.commitment_offered"}, "subject_obj"),  # about a commitment
        ({"url": "https://evil.example/phish"}, "url"),
        ({"url": "//evil.example/"}, "url"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    users: dict[str, Any], requested: Assessment, kwargs: dict[str, str], field: str
) -> None:
    audit_before = AuditEntry.objects.count()
    notifications_before = Notification.objects.count()
    call: dict[str, Any] = {
        "recipients": [users["coordinator"]],
        "kind": "assessment.requested",
        "subject_obj": requested,
        "actor": users["focal_point"],
        **kwargs,
    }
    with pytest.raises(ServiceError) as exc:
        services.notify(**call)
    assert exc.value.field == field
    assert Notification.objects.count() == notifications_before
    assert AuditEntry.objects.count() == audit_before


def test_a_record_the_recipient_cannot_see_shows_no_title(
    users: dict[str, Any], requested: Assessment, clients: dict[str, Client]
) -> None:
    (note,) = _request_notice(requested, users)
    assert render(note).title.endswith(requested.title)
    # The label is raised to RED after the fact: the coordinator may no longer see it.
    Assessment.objects.filter(pk=requested.pk).update(tlp=TLP.RED)
    shown = render(Notification.objects.get(pk=note.pk))
    assert shown.visible is False
    assert (shown.title, shown.body) == neutral()
    assert shown.url == ""
    page = clients["coordinator"].get("/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert requested.title not in html
    assert f"/assessments/{requested.pk}/" not in html
    assert neutral()[0] in html
    api = clients["coordinator"].get("/api/v1/notifications").json()
    assert api["items"][0]["title"] == neutral()[0]
    assert api["items"][0]["url"] == ""


def test_inbox_shows_only_the_users_own(
    users: dict[str, Any], requested: Assessment, clients: dict[str, Client]
) -> None:
    (note,) = _request_notice(requested, users)
    anonymous = clients["anonymous"].get("/notifications/")
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    own = clients["coordinator"].get("/notifications/").content.decode()
    assert requested.title in own
    assert f'id="notification-{note.pk}"' in own
    for who in ("outsider", "focal_point", "donor"):
        page = clients[who].get("/notifications/").content.decode()
        assert f'id="notification-{note.pk}"' not in page
        assert clients[who].post(f"/notifications/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_read_and_the_unread_count_in_the_header(
    users: dict[str, Any],
    requested: Assessment,
    clients: dict[str, Client],
    django_assert_max_num_queries: Any,
) -> None:
    (note,) = _request_notice(requested, users)
    coordinator = clients["coordinator"]
    # Not counted yet: the header asks for the count once the page has loaded.
    home = coordinator.get("/").content.decode()
    assert 'hx-get="/notifications/unread/"' in home
    fragment = coordinator.get("/notifications/unread/").content.decode()
    assert 'data-unread="1"' in fragment
    # Counted: the next pages show it at once, with no query for it.
    with django_assert_max_num_queries(0):
        from reef.notifications.context_processors import notifications

        request = RequestFactory().get("/")
        request.user = users["coordinator"]
        assert notifications(request) == {"notifications_unread": 1}
    assert 'data-unread="1"' in coordinator.get("/").content.decode()
    response = coordinator.post(f"/notifications/{note.pk}/read/", {"next": "/notifications/"})
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    note.refresh_from_db()
    assert note.read_at is not None
    # Marking read forgot the count; the inbox counts again.
    assert 'data-unread="0"' in coordinator.get("/notifications/").content.decode()
    assert 'data-unread="0"' in coordinator.get("/").content.decode()
    # A new notification makes the header count again.
    _request_notice(requested, users)
    assert 'hx-get="/notifications/unread/"' in coordinator.get("/").content.decode()
    assert 'data-unread="1"' in coordinator.get("/notifications/unread/").content.decode()
    # Marking read again is harmless; an off-site "next" is ignored.
    again = coordinator.post(f"/notifications/{note.pk}/read/", {"next": "https://evil.example/"})
    assert again["Location"] == "/notifications/"
    assert "notifications-link" not in clients["anonymous"].get("/").content.decode()
    assert clients["anonymous"].get("/notifications/unread/").status_code == 302


def test_mark_all_read(users: dict[str, Any], requested: Assessment) -> None:
    _request_notice(requested, users)
    services.notify(
        recipients=[users["coordinator"]],
        kind="assessment.report_released",
        subject_obj=requested,
        actor=users["focal_point"],
    )
    outsider_note = Notification.objects.create(
        recipient=users["outsider"], kind="assessment.accepted", tlp=TLP.RED
    )
    assert selectors.unread_count(users["coordinator"]) == 2
    assert services.notification_mark_all_read(actor=users["coordinator"]) == 2
    assert selectors.unread_count(users["coordinator"]) == 0
    outsider_note.refresh_from_db()
    assert outsider_note.read_at is None
    with pytest.raises(ServiceError):
        services.notification_mark_read(actor=users["coordinator"], notification=outsider_note)


def test_digest_gathers_a_day_in_one_mail_and_immediate_users_get_none(
    users: dict[str, Any],
    requested: Assessment,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    coordinator, donor = users["coordinator"], users["donor"]
    services.notification_preference_set(actor=coordinator, delivery=Delivery.DIGEST)
    # The donor may see it once shared with the OAS; it stays on immediate delivery.
    requested.shared_with_organisations.add(
        donor.memberships.get(organisation__slug="oas").organisation
    )
    with django_capture_on_commit_callbacks(execute=True):
        for kind in ("assessment.requested", "assessment.report_released"):
            services.notify(
                recipients=[coordinator, donor],
                kind=kind,
                subject_obj=requested,
                actor=users["focal_point"],
            )
    # Two immediate mails to the donor; none yet to the digest user.
    assert [m.to for m in mailoutbox] == [[donor.email], [donor.email]]
    mailoutbox.clear()
    assert mailing.notifications_send_digest(now=timezone.now() + timedelta(seconds=1)) == 1
    assert len(mailoutbox) == 1
    digest = mailoutbox[0]
    assert digest.to == [coordinator.email]
    assert "Assessment requested" in digest.body
    assert "Report released" in digest.body
    assert "2" in digest.subject
    # Nothing left: the next run sends nothing.
    mailoutbox.clear()
    assert mailing.notifications_send_digest() == 0
    assert mailoutbox == []
    assert not Notification.objects.filter(recipient=coordinator, emailed_at__isnull=True).exists()


def test_digest_skips_what_was_read_and_runs_from_the_command(
    users: dict[str, Any], requested: Assessment, mailoutbox: list[Any]
) -> None:
    coordinator = users["coordinator"]
    services.notification_preference_set(actor=coordinator, delivery=Delivery.DIGEST)
    (note,) = _request_notice(requested, users)
    services.notification_mark_read(actor=coordinator, notification=note)
    call_command("notifications", "digest")
    assert mailoutbox == []  # read in the inbox already: no mail
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_preferences_page_and_bad_input(users: dict[str, Any], clients: dict[str, Client]) -> None:
    from reef.planning.services import area_ensure_defaults

    area_ensure_defaults(actor=DEMO)
    c = clients["donor"]
    assert c.get("/notifications/preferences/").status_code == 200
    ok = c.post(
        "/notifications/preferences/",
        {"delivery": "digest", "need_areas": ["incident-response"]},
    )
    assert ok.status_code == 302
    pref = selectors.preference_for(users["donor"])
    assert (pref.delivery, pref.need_areas) == ("digest", ["incident-response"])
    bad = c.post("/notifications/preferences/", {"delivery": "hourly"})
    assert bad.status_code == 200
    assert selectors.preference_for(users["donor"]).delivery == "digest"
    with pytest.raises(ServiceError) as exc:
        services.notification_preference_set(
            actor=users["donor"], delivery="immediate", need_areas=["no-such-area"]
        )
    assert exc.value.field == "need_areas"
    assert selectors.preference_for(users["donor"]).delivery == "digest"


def test_a_system_actor_may_notify_but_not_mark_read(
    users: dict[str, Any], requested: Assessment
) -> None:
    (note,) = services.notify(
        recipients=[users["coordinator"]],
        kind="assessment.rating_closed",
        subject_obj=requested,
        actor=WORKER,
    )
    assert note.actor_label == "system:worker"
    assert "Reef" in render(note).body
    with pytest.raises(ServiceError):
        services.notification_mark_read(actor=WORKER, notification=note)


def test_a_failed_immediate_mail_keeps_the_notification_and_the_daily_run_retries(
    users: dict[str, Any],
    requested: Assessment,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import smtplib

    def down(*args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPServerDisconnected("mail server down")

    monkeypatch.setattr(mailing, "send_mail", down)
    with django_capture_on_commit_callbacks(execute=True):
        (note,) = _request_notice(requested, users)
    note.refresh_from_db()
    assert note.emailed_at is None  # the in-app notification stands, unmailed
    monkeypatch.undo()
    # Not yet stale: the daily run leaves it to the worker.
    assert mailing.notifications_send_digest() == 0
    later = timezone.now() + mailing.RETRY_AFTER + timedelta(seconds=1)
    assert mailing.notifications_send_digest(now=later) == 1
    assert [m.to for m in mailoutbox] == [[users["coordinator"].email]]
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_a_hand_off_in_one_call(users: dict[str, Any], requested: Assessment) -> None:
    with pytest.raises(ServiceError) as exc:
        services.notify_handoff(kind="nope", subject_obj=requested, actor=users["focal_point"])
    assert exc.value.field == "kind"
    (note,) = services.notify_handoff(
        kind="assessment.requested",
        subject_obj=requested,
        actor=users["focal_point"],
        url=f"/assessments/{requested.pk}/",
    )
    assert note.recipient == users["coordinator"]
