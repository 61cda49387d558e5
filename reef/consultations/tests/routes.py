from __future__ import annotations

from typing import Any

from reef.consultations import services
from reef.consultations.tests.helpers import accepted, hidden_consultation, join, section
from reef.core.tests.routes import Sample, only


def samples(users: dict[str, Any]) -> dict[str, Sample]:
    """Every route on a consultation only Grenada's focal point may see (404 for the rest)."""
    focal = users["focal_point"]
    c = hidden_consultation(focal)
    join(focal, c, code="GD")
    accepted(focal, c, "Grenada should publish its national strategy.")
    services.delphi_round_create(actor=focal, consultation=c, title="Priorities", items=["A", "B"])
    s = section(focal, c)
    a = services.amendment_propose(actor=focal, section=s, proposed_text="Better text.")
    allowed = only(["focal_point"])
    kw = {"pk": c.pk}
    return {
        "consultations:detail": Sample(kwargs=kw, expect=allowed),
        "consultations:manage": Sample(kwargs=kw, expect=allowed),
        "consultations:join": Sample(kwargs=kw, expect=allowed),
        "consultations:vote": Sample(kwargs=kw, expect=allowed),
        "consultations:statement_list": Sample(kwargs=kw, expect=allowed),
        "consultations:moderate": Sample(kwargs=kw, expect=allowed),
        "consultations:report": Sample(kwargs=kw, expect=allowed),
        "consultations:window": Sample(kwargs=kw, expect=allowed),
        "consultations:delphi": Sample(kwargs={**kw, "number": 1}, expect=allowed),
        "consultations:draft": Sample(kwargs=kw, expect=allowed),
        "consultations:section": Sample(kwargs={**kw, "number": s.number}, expect=allowed),
        "consultations:amendment_decide": Sample(
            kwargs={**kw, "amendment_id": a.pk}, expect=allowed
        ),
    }
