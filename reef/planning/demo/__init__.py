"""Demo planning data (ILLUSTRATIVE: not the content of any real national plan).

The five countries assessed in 2014-16 (Trinidad and Tobago, Dominica, Grenada,
Antigua and Barbuda, Barbados) each get a national plan with needs in the CCSCAP
areas, actions, and commitments by consortium members; CARICOM IMPACS owns a
regional plan for CARICOM with a risk register naming the 2016 plan's three risks;
the OAS and the Council of Europe run overlapping cybercrime-investigation
trainings in Grenada, a twinning opportunity. Idempotent.

Modules: ``data`` (the content), ``national``, ``regional``.
"""

from __future__ import annotations

from collections.abc import Callable

from reef.core.rules import DEMO
from reef.planning import services
from reef.planning.demo.data import CYCLE
from reef.planning.demo.national import load_national
from reef.planning.demo.regional import load_regional
from reef.planning.models import Plan

__all__ = ["load"]


def load(say: Callable[[str], None]) -> None:
    services.area_ensure_defaults(actor=DEMO)
    if Plan.objects.filter(
        kind=Plan.Kind.REGIONAL, cycle=CYCLE, organisation__slug="caricom-impacs"
    ).exists():
        say("planning: demo already loaded")
        return
    plans = load_national()
    load_regional(say)
    say(f"planning: {len(plans)} national plans, 1 regional plan (illustrative)")
