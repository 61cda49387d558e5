"""Core records: the labelled base of every domain model, and the audit trail."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reef.core.access import LabelledManager, parent_visible_q
from reef.core.roles import Scope
from reef.core.tlp import TLP


class Labelled(models.Model):
    """Abstract base for every record that holds domain data.

    Carries a TLP label, an owner (a country or an organisation), explicit shares
    and named recipients, and a version for optimistic locking.
    """

    tlp = models.CharField(_("TLP label"), max_length=20, choices=TLP.choices, default=TLP.AMBER)
    owner_country = models.ForeignKey(
        "directory.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owning country"),
    )
    owner_organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owning organisation"),
    )
    shared_with_organisations = models.ManyToManyField(
        "directory.Organisation", blank=True, related_name="+"
    )
    shared_with_countries = models.ManyToManyField(
        "directory.Country", blank=True, related_name="+"
    )
    readers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[LabelledManager] = LabelledManager()

    class Meta:
        abstract = True


class LabelledChild(Labelled):
    """Abstract base for a record inside another labelled record, its parent: the foreign key
    named by `parent_field`. It carries a copy of the parent's label and owner (`copy_label`,
    on creation) and is visible exactly when the parent is (`parent_visible_q`)."""

    parent_field: ClassVar[str]

    class Meta:
        abstract = True

    @classmethod
    def extra_access(cls, scope: Scope, action: str) -> Q:
        return parent_visible_q(cls, cls.parent_field, scope, action)

    def copy_label(self, parent: Labelled) -> None:
        self.tlp = parent.tlp
        self.owner_country_id = parent.owner_country_id
        self.owner_organisation_id = parent.owner_organisation_id


class AuditEntry(models.Model):
    """One link of the append-only, hash-chained audit trail.

    hash = SHA-256(prev_hash || canonical JSON of the entry). The actor is kept as
    id and label (no foreign key) so that deleting a user never rewrites the trail.

    A writer inserts the entry with empty chain fields (seq, prev_hash, hash): it never
    touches the chain head, so writers do not queue behind each other. The entry is
    sealed (given its place in the chain) just after its transaction commits, by
    `reef.core.audit.audit_seal`; the worker and `reef audit seal` catch up on the rest.
    """

    seq = models.PositiveBigIntegerField(unique=True, null=True, blank=True)
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    tlp = models.CharField(max_length=20, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    via = models.CharField(max_length=10, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        # Order of appending: seq is the order of sealing, and empty until then.
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor_id", "at"], name="audit_actor_idx"),
            # The sealer's only question: which entries are not sealed yet, by id. The
            # partial index holds just those few rows (the unique index on seq would
            # hold every entry, NULLs included, and not give them in id order).
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed_idx"
            ),
        ]

    def __str__(self) -> str:
        where = f"#{self.seq}" if self.seq is not None else "(not sealed yet)"
        return f"{where} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit entries are append-only")


class AuditHead(models.Model):
    """The chain head: a single row, locked only by the sealer (never by writers).

    `anchor` is an HMAC of (seq, hash) under REEF_AUDIT_KEY, a key kept outside
    the database, so rewriting the whole chain is detected too.
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    anchor = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key for one API write, kept 24 hours.

    The first request reserves the key (`status` null while it runs); its answer
    is stored in the same transaction as the write, so a retry either replays
    that answer or finds that nothing happened. Keys are per user.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    locked_at = models.DateTimeField()
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(default=b"", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
