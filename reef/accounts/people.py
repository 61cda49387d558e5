"""People and roles: granting, changing and revoking roles, and invitations.

Every change is checked by the rules in reef/accounts/rules.py, audited, and
mailed to the person concerned in their own language.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reef.accounts import rules
from reef.accounts.language import in_language_of
from reef.accounts.models import Invitation, Membership, User
from reef.core.access import forget_scope
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.roles import RANK, Role
from reef.core.rules import Actor, SystemActor, allowed, require

if TYPE_CHECKING:
    from reef.directory.models import Country, Grouping, Organisation

log = logging.getLogger(__name__)

#: The invitee accepting a link: no person acts yet when their account is created.
INVITATION = SystemActor("invitation")


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ServiceError(_("Unknown role %(value)s.") % {"value": value}, field="role") from None


def _check_place(role: Role, targets: list[Any], grouping: Any) -> None:
    if role == Role.ADMIN:
        if targets:
            raise ServiceError(_("The administrator role is held on the platform, not in a place."))
        return
    if len(targets) != 1:
        raise ServiceError(_("A role is held in exactly one country, organisation or grouping."))
    if (role == Role.COORDINATOR) != (grouping is not None):
        raise ServiceError(_("The coordinator role is held in a grouping, and only there."))


def _place_label(held: Membership | Invitation) -> str:
    target = held.target
    return str(target) if target is not None else str(_("the platform"))


def _notify(user: User, subject: str, body: str) -> None:
    """Mail one person. A mail server that is down does not undo the change (it is audited)."""
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:
        log.exception("could not mail %s", user.pk)


def _mail_role(user: User, held: Membership, *, revoked: bool = False) -> None:
    with in_language_of(user):
        values = {"role": held.get_role_display(), "place": _place_label(held)}
        if revoked:
            subject = _("[Reef] Your role as %(role)s of %(place)s has ended") % values
            body = _("You no longer hold the role %(role)s of %(place)s on Reef.\n") % values
        else:
            subject = _("[Reef] You are now %(role)s of %(place)s") % values
            body = _(
                "You now hold the role %(role)s of %(place)s on Reef.\n"
                "Sign in and set up two-factor authentication if you have not yet:\n%(url)s\n"
            ) % {**values, "url": f"{settings.REEF_SITE_URL}/people/"}
        _notify(user, subject, body)


def last_manager(held: Membership) -> bool:
    """Whether `held` is the only manager of its country or organisation."""
    if held.role != Role.MANAGER or held.grouping_id is not None:
        return False
    if held.country_id is not None:
        others = Membership.objects.filter(role=Role.MANAGER, country_id=held.country_id)
    elif held.organisation_id is not None:
        others = Membership.objects.filter(role=Role.MANAGER, organisation_id=held.organisation_id)
    else:
        return False
    others = others.exclude(pk=held.pk)
    return not others.exists()


def _refuse_last_manager_stepping_down(
    held: Membership | None, actor: Actor, user: User, role: Role
) -> None:
    """The last manager of a place may not give themselves a lesser role there."""
    if (
        held is not None
        and actor == user
        and last_manager(held)
        and RANK.get(role, 0) < RANK[Role.MANAGER]
    ):
        raise ServiceError(
            _("You are the last manager of %(place)s: make someone else manager first.")
            % {"place": _place_label(held)}
        )


@transaction.atomic
def membership_grant(
    *,
    user: User,
    role: str,
    actor: Actor,
    country: Country | None = None,
    organisation: Organisation | None = None,
    grouping: Grouping | None = None,
    notify: bool = True,
) -> Membership:
    """Give `user` a role in one place (or change the role they hold there).

    The role takes effect once the user's e-mail address is verified, and, for a
    role holder, once they have set up MFA (RequireMFAMiddleware).
    """
    targets = [t for t in (country, organisation, grouping) if t is not None]
    role = _role(role)
    _check_place(role, targets, grouping)
    grant = rules.Grant.place(
        country=country, organisation=organisation, grouping=grouping, role=role, user_id=user.pk
    )
    require(rules.may_grant, actor, grant)
    if not user.is_active:
        raise ServiceError(_("The account %(email)s is deactivated.") % {"email": user.email})
    held = Membership.objects.filter(
        user=user, country=country, organisation=organisation, grouping=grouping
    ).first()
    if held is not None and held.role == role:
        return held
    _refuse_last_manager_stepping_down(held, actor, user, role)
    previous = held.role if held is not None else ""
    if held is None:
        held = Membership.objects.create(
            user=user, role=role, country=country, organisation=organisation, grouping=grouping
        )
    else:
        held.role = role
        held.save(update_fields=["role"])
    forget_scope(user)
    audit_append(
        action="membership_grant",
        actor=actor,
        obj=held,
        detail={
            "user": user.email,
            "role": role,
            "previous": previous,
            "in": _place_label(held),
        },
    )
    if notify:
        _mail_role(user, held)
    return held


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: Actor, notify: bool = True) -> None:
    """Take a role away; a member may leave. The last manager of a place may not leave it."""
    require(rules.may_revoke, actor, membership)
    user = membership.user
    if actor == user and last_manager(membership):
        raise ServiceError(
            _("You are the last manager of %(place)s: make someone else manager first.")
            % {"place": _place_label(membership)}
        )
    detail = {"user": user.email, "role": membership.role, "in": _place_label(membership)}
    pk = membership.pk
    membership.delete()
    membership.pk = pk
    forget_scope(user)
    audit_append(
        action="membership_leave" if actor == user else "membership_revoke",
        actor=actor,
        object_type="accounts.membership",
        object_id=str(pk),
        detail=detail,
    )
    if notify:
        _mail_role(user, membership, revoked=True)


# ---------------------------------------------------------------- invitations


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def invitation_url(secret: str) -> str:
    return settings.REEF_SITE_URL + reverse("people:invitation_accept", kwargs={"secret": secret})


def _invitable(
    actor: Actor,
    email: str,
    role: str,
    country: Country | None,
    organisation: Organisation | None,
    grouping: Grouping | None,
) -> tuple[str, Role, User | None]:
    """The checks of `invitation_create`: the address, the role and place, the rule, and
    the invitee's account. Returns the cleaned address and role and that account."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(
            _("“%(email)s” is not a valid e-mail address.") % {"email": email[:254]},
            field="email",
        ) from None
    targets = [t for t in (country, organisation, grouping) if t is not None]
    checked = _role(role)
    if checked == Role.ADMIN:
        raise ServiceError(
            _("Administrators are made on the console (reef member grant)."), field="role"
        )
    _check_place(checked, targets, grouping)
    existing = User.objects.filter(email=email).first()
    grant = rules.Grant.place(
        country=country,
        organisation=organisation,
        grouping=grouping,
        role=checked,
        user_id=existing.pk if existing is not None else None,
    )
    require(rules.may_grant, actor, grant)
    if existing is not None and not existing.is_active:
        raise ServiceError(_("The account %(email)s is deactivated.") % {"email": email})
    if (
        existing is not None
        and Membership.objects.filter(
            user=existing,
            role=checked,
            country=country,
            organisation=organisation,
            grouping=grouping,
        ).exists()
    ):
        raise ServiceError(
            _("%(email)s already holds this role.") % {"email": email}, field="email"
        )
    return email, checked, existing


def _mail_invitation(invitation: Invitation, secret: str, actor: Actor) -> None:
    """Mail the link, in the invitation's language; a failure undoes the invitation."""
    with translation.override(invitation.language):
        values = {
            "role": invitation.get_role_display(),
            "place": _place_label(invitation),
            "inviter": str(actor) if isinstance(actor, User) else "Reef",
        }
        subject = _("[Reef] You are invited to be %(role)s of %(place)s") % values
        body = _(
            "%(inviter)s invites you to take the role %(role)s of %(place)s on Reef.\n"
            "Open this link to accept; it works once, until %(expires)s:\n%(url)s\n"
            "You will set a password (or sign in) and set up two-factor authentication.\n"
            "If you did not expect this, ignore this message.\n"
        ) % {
            **values,
            "expires": f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC",
            "url": invitation_url(secret),
        }
    try:
        send_mail(subject, body, None, [invitation.email])
    except Exception:
        log.exception("could not mail an invitation")
        raise ServiceError(
            _("The invitation could not be mailed; nothing was saved. Try again later.")
        ) from None


@transaction.atomic
def invitation_create(
    *,
    actor: Actor,
    email: str,
    role: str,
    country: Country | None = None,
    organisation: Organisation | None = None,
    grouping: Grouping | None = None,
) -> tuple[Invitation, str]:
    """Invite an address to a role; mails a single-use link. Returns it and its secret.

    The link expires after REEF_INVITATION_DAYS days; a newer invitation of the same
    address to the same place replaces the older one.
    """
    email, checked, existing = _invitable(actor, email, role, country, organisation, grouping)
    now = timezone.now()
    Invitation.objects.filter(
        email=email,
        country=country,
        organisation=organisation,
        grouping=grouping,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        role=checked,
        country=country,
        organisation=organisation,
        grouping=grouping,
        digest=_digest(secret),
        invited_by=actor if isinstance(actor, User) else None,
        # In the invitee's language when they have an account, else the inviter's.
        language=(existing.language if existing is not None else "")
        or translation.get_language()
        or settings.LANGUAGE_CODE,
        expires_at=now + timedelta(days=settings.REEF_INVITATION_DAYS),
    )
    audit_append(
        action="invitation_create",
        actor=actor,
        obj=invitation,
        detail={"email": email, "role": checked, "in": _place_label(invitation)},
    )
    _mail_invitation(invitation, secret, actor)
    return invitation, secret


def invitation_find(secret: str) -> Invitation | None:
    """The invitation behind a link's secret, whatever its status (None if unknown)."""
    if not secret or len(secret) > 100:
        return None
    return (
        Invitation.objects.select_related("country", "organisation", "grouping", "invited_by")
        .filter(digest=_digest(secret))
        .first()
    )


def _verify_address(user: User) -> None:
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


@transaction.atomic
def invitation_accept(*, secret: str, user: User) -> Membership:
    """Accept an invitation as `user` (whose address it was sent to). Single use.

    Accepting proves the address receives mail: it is marked verified. The role is
    granted on the inviter's authority, checked again now (they may have lost it).
    """
    invitation = invitation_find(secret)
    if invitation is None:
        raise ServiceError(_("Not found."), code="not_found")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    status = invitation.status
    if status != Invitation.Status.PENDING:
        messages = {
            Invitation.Status.ACCEPTED: _("This invitation has already been used."),
            Invitation.Status.REVOKED: _("This invitation was withdrawn."),
            Invitation.Status.EXPIRED: _("This invitation has expired: ask for a new one."),
        }
        raise ServiceError(messages[Invitation.Status(status)])
    if user.email.lower() != invitation.email.lower():
        raise ServiceError(
            _("This invitation was sent to another address. Sign in as %(email)s to accept it.")
            % {"email": invitation.email}
        )
    if not user.is_active:
        raise ServiceError(_("The account %(email)s is deactivated.") % {"email": user.email})
    inviter = invitation.invited_by
    grant = rules.Grant.of(invitation, user_id=user.pk)
    if inviter is None or not allowed(rules.may_grant, inviter, grant):
        raise ServiceError(
            _("The person who invited you may no longer give this role: ask for a new invitation.")
        )
    _verify_address(user)
    forget_scope(user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_append(action="invitation_accept", actor=user, obj=invitation)
    return membership_grant(
        user=user,
        role=invitation.role,
        actor=inviter,
        country=invitation.country,
        organisation=invitation.organisation,
        grouping=invitation.grouping,
    )


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: Actor) -> Invitation:
    require(rules.may_revoke_invitation, actor, invitation)
    if invitation.status != Invitation.Status.PENDING:
        raise ServiceError(_("Only a pending invitation can be withdrawn."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_append(
        action="invitation_revoke", actor=actor, obj=invitation, detail={"email": invitation.email}
    )
    return invitation


def mail_deactivated(user: User) -> None:
    """Tell the person their account was closed (in their language)."""
    with in_language_of(user):
        subject = _("[Reef] Your account has been deactivated")
        body = _(
            "Your Reef account %(email)s has been deactivated by an administrator: you can no "
            "longer sign in, and its API tokens no longer work.\n"
        ) % {"email": user.email}
    _notify(user, subject, body)
