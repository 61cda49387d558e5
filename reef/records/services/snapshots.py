"""Open-data snapshots: today's public datasets frozen, once a day."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.core.audit import audit_append
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import Actor, require
from reef.core.tlp import TLP
from reef.records import opendata
from reef.records import rules as R
from reef.records.models import Snapshot


@transaction.atomic
def snapshot_freeze(*, actor: Actor, day: dt.date | None = None) -> list[Snapshot]:
    """Freeze today's public datasets. Once a day per dataset; regional coordinators or
    the system may freeze."""
    try:
        require(R.may_freeze, actor)
    except PermissionDenied:
        raise PermissionDenied(_("Only regional coordinators may freeze the open data.")) from None
    day = day or timezone.localdate()
    if Snapshot.objects.filter(date=day).exists():
        raise ServiceError(
            _("The open data of %(day)s is already frozen.") % {"day": day.isoformat()}, field="day"
        )
    frozen: list[Snapshot] = []
    for name in opendata.DATASETS:
        rows = opendata.rows(name)
        csv_text = opendata.to_csv(name, rows)
        json_text = opendata.to_json(name, rows, version=day.isoformat())
        edition = Snapshot.objects.filter(dataset=name).count() + 1
        snap = Snapshot.objects.create(
            dataset=name,
            date=day,
            edition=edition,
            rows=len(rows),
            csv=csv_text,
            json=json_text,
            sha256=hashlib.sha256(csv_text.encode() + json_text.encode()).hexdigest(),
            tlp=TLP.CLEAR,
        )
        frozen.append(snap)
    audit_append(
        action="snapshot_freeze",
        actor=actor,
        object_type="records.snapshot",
        object_id=day.isoformat(),
        tlp=TLP.CLEAR,
        detail={"datasets": [s.dataset for s in frozen]},
    )
    return frozen
