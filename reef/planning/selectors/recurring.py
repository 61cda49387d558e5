"""Recurring themes: countries by areas (and framework factors) of the needs the reader may see."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from reef.directory.models import Country, Grouping, GroupingMember
from reef.planning import rollup
from reef.planning.models import Area, Commitment, Need, Plan
from reef.planning.selectors.records import areas
from reef.planning.selectors.rollups import latest_national_plans


def groupings() -> list[Grouping]:
    return list(Grouping.objects.order_by("name"))


def grouping_or_none(slug: str) -> Grouping | None:
    if not slug:
        return None
    grouping: Grouping | None = Grouping.objects.filter(slug=slug).first()
    return grouping


def grouping_country_ids(grouping: Grouping) -> list[int]:
    return list(
        GroupingMember.objects.filter(grouping=grouping).values_list("country_id", flat=True)
    )


@dataclass
class Themes:
    countries: list[Country]
    areas: list[Area]
    area_rows: list[dict[str, Any]]  # per country: cells per area
    factors: list[str]
    factor_rows: list[dict[str, Any]]
    recurring_areas: list[tuple[Area, int]]
    recurring_factors: list[tuple[str, int]]
    benchmarks: list[dict[str, Any]]
    max_count: int
    # The framework each factor key comes from, so that pages can show its name.
    factor_frameworks: dict[str, str] = field(default_factory=dict)


def _heat(count: int, top: int) -> int:
    if count <= 0 or top <= 0:
        return 0
    return max(1, min(5, round(5 * count / top)))


def _area_rows(
    countries: list[Country],
    area_list: list[Area],
    by_country_area: dict[tuple[int, str], list[Need]],
    covered: set[int],
    top: int,
) -> list[dict[str, Any]]:
    """The countries x areas heatmap: per cell, the needs, how many are covered, the heat."""
    area_rows = []
    for c in countries:
        cells = []
        for a in area_list:
            items = by_country_area.get((c.pk, a.key), [])
            n_covered = sum(1 for n in items if n.pk in covered)
            cells.append(
                {
                    "area": a,
                    "count": len(items),
                    "covered": n_covered,
                    "heat": _heat(len(items), top),
                }
            )
        area_rows.append({"country": c, "cells": cells})
    return area_rows


def _factor_rows(
    countries: list[Country], factors: list[str], by_country_factor: dict[tuple[int, str], int]
) -> list[dict[str, Any]]:
    """The countries x framework factors heatmap: per cell, the needs and the heat."""
    ftop = max(by_country_factor.values(), default=0)
    return [
        {
            "country": c,
            "cells": [
                {
                    "factor": f,
                    "count": by_country_factor.get((c.pk, f), 0),
                    "heat": _heat(by_country_factor.get((c.pk, f), 0), ftop),
                }
                for f in factors
            ],
        }
        for c in countries
    ]


def _benchmarks(
    nationals: list[Plan], needs: list[Need], covered: set[int]
) -> list[dict[str, Any]]:
    """Per latest national plan: its needs, how many are covered, whether priorities are
    confirmed."""
    benchmarks = []
    for p in nationals:
        own = [n for n in needs if n.plan_id == p.pk]
        benchmarks.append(
            {
                "country": p.country,
                "plan": p,
                "needs": len(own),
                "covered": sum(1 for n in own if n.pk in covered),
                "confirmed": p.priorities_confirmed_at is not None,
            }
        )
    return benchmarks


def themes(user: Any, country_ids: list[int] | None = None) -> Themes:
    """Heatmaps of countries x areas and countries x framework factors from the latest
    needs the user may see, and the themes found in most countries."""
    nationals = latest_national_plans(user, country_ids)
    needs = list(
        Need.objects.for_user(user)
        .filter(plan_id__in=[p.pk for p in nationals])
        .select_related("area", "country")
    )
    need_ids = [n.pk for n in needs]
    covered = set(
        Commitment.objects.for_user(user)
        .filter(need_id__in=need_ids, status__in=[s.value for s in rollup.ACTIVE_STATUSES])
        .values_list("need_id", flat=True)
    )
    area_list = areas()
    countries = [p.country for p in nationals if p.country is not None]
    by_country_area: dict[tuple[int, str], list[Need]] = defaultdict(list)
    by_country_factor: dict[tuple[int, str], int] = Counter()
    factor_set: Counter[str] = Counter()
    factor_frameworks: dict[str, str] = {}
    for n in needs:
        if n.country_id is None:
            continue
        by_country_area[(n.country_id, n.area.key)].append(n)
        if n.factor_key:
            factor_frameworks.setdefault(n.factor_key, n.framework)
            if by_country_factor[(n.country_id, n.factor_key)] == 0:
                factor_set[n.factor_key] += 1
            by_country_factor[(n.country_id, n.factor_key)] += 1
    top = max((len(v) for v in by_country_area.values()), default=0)
    area_rows = _area_rows(countries, area_list, by_country_area, covered, top)
    factors = [f for f, _ in factor_set.most_common(20)]
    factor_rows = _factor_rows(countries, factors, by_country_factor)
    in_countries: Counter[str] = Counter(key for (_, key) in by_country_area)
    recurring_areas = sorted(
        ((a, in_countries[a.key]) for a in area_list if in_countries[a.key]),
        key=lambda t: (-t[1], t[0].position),
    )
    recurring_factors = [(f, n) for f, n in factor_set.most_common(10) if n >= 2]
    return Themes(
        countries,
        area_list,
        area_rows,
        factors,
        factor_rows,
        recurring_areas,
        recurring_factors,
        _benchmarks(nationals, needs, covered),
        top,
        factor_frameworks,
    )
