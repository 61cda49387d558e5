"""Traffic Light Protocol 2.0 labels. Written exactly so, never translated."""

from django.db import models


class TLP(models.TextChoices):
    CLEAR = "TLP:CLEAR", "TLP:CLEAR"
    GREEN = "TLP:GREEN", "TLP:GREEN"
    AMBER = "TLP:AMBER", "TLP:AMBER"
    AMBER_STRICT = "TLP:AMBER+STRICT", "TLP:AMBER+STRICT"
    RED = "TLP:RED", "TLP:RED"


#: Labels whose reads are written to the audit trail.
AUDITED_READ_LABELS = frozenset({TLP.AMBER, TLP.AMBER_STRICT, TLP.RED})

#: From least to most restrictive, for comparisons ("at least as strict as").
ORDER = [TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]


def stricter(a: str, b: str) -> str:
    """The more restrictive of two labels."""
    return a if ORDER.index(TLP(a)) >= ORDER.index(TLP(b)) else b


CSS_CLASS = {
    TLP.CLEAR: "tlp-clear",
    TLP.GREEN: "tlp-green",
    TLP.AMBER: "tlp-amber",
    TLP.AMBER_STRICT: "tlp-amber-strict",
    TLP.RED: "tlp-red",
}
