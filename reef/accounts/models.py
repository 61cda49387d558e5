"""Users, memberships (roles) and personal API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reef.core.roles import Role


class ReefUserManager(UserManager["User"]):
    use_in_migrations = True

    def _create_user_object(self, email: str, password: str | None, **extra: Any) -> User:
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        user = self._create_user_object(email, password, **extra)
        user.save(using=self._db)
        return user

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in. Identified by e-mail; no username."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("name"), max_length=150, blank=True)
    # The interface language chosen with the switcher while signed in; notifications and
    # reminders are written in it. Blank: the site's default.
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)
    # Honoured only when REEF_DEMO is on, which production settings refuse.
    demo_mfa_exempt = models.BooleanField(default=False, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[ReefUserManager] = ReefUserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def holds_role(self) -> bool:
        return self.memberships.exists()


class Membership(models.Model):
    """A role held by a user in exactly one country, organisation or grouping,
    or the platform administrator role, held with no target."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    country = models.ForeignKey(
        "directory.Country", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    grouping = models.ForeignKey(
        "directory.Grouping", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_exactly_one_target",
                condition=(
                    Q(
                        role=Role.ADMIN,
                        country__isnull=True,
                        organisation__isnull=True,
                        grouping__isnull=True,
                    )
                    | (
                        ~Q(role=Role.ADMIN)
                        & (
                            Q(
                                country__isnull=False,
                                organisation__isnull=True,
                                grouping__isnull=True,
                            )
                            | Q(
                                country__isnull=True,
                                organisation__isnull=False,
                                grouping__isnull=True,
                            )
                            | Q(
                                country__isnull=True,
                                organisation__isnull=True,
                                grouping__isnull=False,
                            )
                        )
                    )
                ),
            ),
            models.CheckConstraint(
                name="membership_coordinator_only_in_grouping",
                condition=Q(role=Role.COORDINATOR, grouping__isnull=False)
                | (~Q(role=Role.COORDINATOR) & Q(grouping__isnull=True)),
            ),
            models.UniqueConstraint(fields=["user", "country"], name="unique_country_membership"),
            models.UniqueConstraint(
                fields=["user", "organisation"], name="unique_organisation_membership"
            ),
            models.UniqueConstraint(fields=["user", "grouping"], name="unique_grouping_membership"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(role=Role.ADMIN), name="unique_admin_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.get_role_display()} of {self.target_label}"

    @property
    def target(self) -> Any:
        """The country, organisation or grouping the role is held in (None for admin)."""
        return self.country or self.organisation or self.grouping

    @property
    def target_label(self) -> str:
        target = self.target
        return str(target) if target is not None else str(_("the platform"))


class Invitation(models.Model):
    """An invitation sent by e-mail to take a role. Single use; expires.

    Only a SHA-256 of the link's secret is stored. The role takes effect when the
    invitee accepts with an account of that address (which verifies it).
    """

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    country = models.ForeignKey(
        "directory.Country", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    grouping = models.ForeignKey(
        "directory.Grouping", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The language the invitation was written in (the invitee has no account yet).
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="invitation_exactly_one_target",
                condition=(
                    Q(country__isnull=False, organisation__isnull=True, grouping__isnull=True)
                    | Q(country__isnull=True, organisation__isnull=False, grouping__isnull=True)
                    | Q(country__isnull=True, organisation__isnull=True, grouping__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.get_role_display()} of {self.target}"

    @property
    def target(self) -> Any:
        return self.country or self.organisation or self.grouping

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 of the secret is stored.

    A token acts for its user under the same account rules as a session (active
    account, MFA set up when a role is held), is limited by its scope, and ends
    at its expiry: there is no token without one.
    """

    class Scope(models.TextChoices):
        READ = "read", _("read only")
        READ_WRITE = "read-write", _("read and write")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
