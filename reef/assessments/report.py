"""The needs assessment report: one context, one content template, as HTML and as PDF."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reef.assessments import charts, selectors
from reef.assessments.models import Assessment, Cluster, RatingValue
from reef.core.tlp import TLP, stricter
from reef.frameworks import selectors as framework_selectors

CSS_PATH = Path(__file__).parent / "static" / "assessments" / "report.css"


def _safe(svg: str) -> SafeString:
    # Built by charts.py from escaped labels and numbers only.
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703


def _staged(assessment: Assessment, result: Any) -> dict[str, Any]:
    fw = framework_selectors.shown(assessment.framework)
    aspects = {a.key: a for a in result.aspects}
    factors = {f.key: f for f in result.factors}
    dims = {d.key: d for d in result.dimensions}
    texts = {i.key: i.text for i in fw.indicators}
    aspect_names = {a.key: a.name for a in fw.aspects}
    stage_names = {s.level: s.name for s in fw.stages}
    charts_radar = []
    heat_rows = []
    findings = []
    for d in fw.dimensions:
        axes = []
        cells = []
        factor_rows = []
        for f in d.factors:
            fr = factors[f.key]
            targets = [aspects[a.key].target for a in f.aspects if aspects[a.key].target]
            target = round(statistics.mean(targets), 2) if targets else None
            axes.append(charts.Axis(f"{f.key} {f.name}", fr.stage_mean, target))
            cells.append(charts.Cell(f.key, f.name, fr.stage_mean, fr.stage_min, fr.stage_max))
            factor_rows.append(
                {
                    "key": f.key,
                    "name": f.name,
                    "summary": fr,
                    "aspects": [
                        {
                            "key": a.key,
                            "name": a.name,
                            "implicit": a.implicit,
                            "stage": aspects[a.key].stage,
                            "stage_name": stage_names.get(aspects[a.key].stage, ""),
                            "progress": round(aspects[a.key].progress * 100),
                            "target": aspects[a.key].target,
                        }
                        for a in f.aspects
                    ],
                }
            )
        charts_radar.append(_safe(charts.radar(f"{d.key} {d.name}", axes)))
        heat_rows.append((f"{d.key} {d.name}", cells))
        findings.append(
            {"key": d.key, "name": d.name, "summary": dims[d.key], "factors": factor_rows}
        )
    gaps = []
    for g in result.gaps:
        gaps.append(
            {
                "key": g.key,
                "name": aspect_names.get(g.key, g.key),
                "stage": g.stage,
                "target": int(g.target),
                "stage_name": stage_names.get(g.stage or 1, ""),
                "target_name": stage_names.get(int(g.target), ""),
                "missing": [{"key": k, "text": texts.get(k, "")} for k in g.missing],
                "missing_values": [result.values.get(k, "") for k in g.missing],
            }
        )
    stages = [a.stage for a in result.aspects]
    return {
        "radars": charts_radar,
        "heatmap": _safe(
            charts.heatmap(
                _("Stage of each factor (mean of its aspects)"),
                heat_rows,
                stage_label=_("stage"),
            )
        ),
        "findings": findings,
        "gaps": gaps,
        "stage_counts": [(s, stage_names.get(s, ""), stages.count(s)) for s in range(1, 6)],
        "median_stage": statistics.median(stages) if stages else None,
        "aspect_count": len(stages),
        "indicator_texts": texts,
    }


def _scored(assessment: Assessment, result: Any) -> dict[str, Any]:
    fw = framework_selectors.shown(assessment.framework)
    texts = {i.key: i.text for i in fw.indicators}
    names = {p.key: p for p in fw.pillars}
    scores = {p.key: p.score for p in result.pillars}
    targets = {g.key: g.target for g in result.gaps}
    all_targets = selectors.targets_of(assessment)
    axes = [charts.Axis(p.name, scores[p.key], all_targets.get(p.key)) for p in fw.pillars]
    tier_name = next((t.name for t in fw.tiers if t.tier == result.tier), "")
    return {
        "bars": _safe(charts.bars(_("Score per pillar"), axes, max(p.max for p in fw.pillars))),
        "pillars": [
            {
                "key": p.key,
                "name": p.name,
                "max": p.max,
                "score": scores[p.key],
                "target": all_targets.get(p.key),
            }
            for p in fw.pillars
        ],
        "tier_name": tier_name,
        "gaps": [
            {
                "key": g.key,
                "name": names[g.key].name,
                "score": g.score,
                "target": g.target,
                "missing": [{"key": k, "text": texts.get(k, "")} for k in g.missing],
            }
            for g in result.gaps
        ],
        "targets": targets,
        "indicator_texts": texts,
    }


def trend_chart(trend: dict[str, Any]) -> SafeString:
    """The trend chart of `selectors.trends` (page and report draw the same)."""
    if not trend["cycles"]:
        return SafeString("")
    return _safe(
        charts.trend(
            _("Stages over the cycles")
            if trend["kind"] == "staged"
            else _("Scores over the cycles"),
            [c["cycle"] for c in trend["cycles"]],
            [(f"{line['key']} {line['name']}", line["values"]) for line in trend["lines"]],
            trend["minimum"],
            trend["maximum"],
        )
    )


def report_context(user: Any, assessment: Assessment) -> dict[str, Any]:
    """Everything the report shows, read as `user` (evidence through the access layer)."""
    result = selectors.assessment_result(assessment)
    kind_context = (
        _staged(assessment, result)
        if assessment.framework.kind == "staged"
        else _scored(assessment, result)
    )
    sessions = list(selectors.sessions_of(user, assessment))
    by_sector: Counter[str] = Counter()
    for s in sessions:
        for sector, count in s.participants.items():
            by_sector[sector] += int(count)
    labels = dict(Cluster.choices)
    consulted = [(labels.get(k, k), by_sector[k]) for k in Cluster.values if by_sector[k]]
    team = list(assessment.team.all()) or []
    external = list(assessment.external_assessors.values())
    texts: dict[str, str] = kind_context["indicator_texts"]
    value_labels = dict(RatingValue.choices)
    evidence: dict[str, list[Any]] = defaultdict(list)
    tlp = str(assessment.tlp)
    for r in selectors.ratings_visible(user, assessment).order_by("indicator__position", "pk"):
        if r.evidence_text or r.evidence_link or r.evidence_file:
            evidence[r.indicator.key].append(r)
            tlp = stricter(tlp, r.tlp)
    decisions = list(selectors.decisions_of(user, assessment))
    for d in decisions:
        tlp = stricter(tlp, d.tlp)
    # Every earlier cycle the reader may see, up to this one.
    trend = selectors.trends(user, assessment, until=assessment, language=get_language())
    if len(trend["cycles"]) > 1:
        tlp = stricter(tlp, trend["tlp"])
    return {
        "assessment": assessment,
        "result": result,
        "kind": assessment.framework.kind,
        "tlp": tlp,
        "tlp_class": tlp.lower().replace("tlp:", "tlp-").replace("+", "-"),
        "generated_at": timezone.now(),
        "team": team,
        "external_assessors": external,
        "sessions": sessions,
        "consulted": consulted,
        "participants_total": sum(by_sector.values()),
        "decisions": decisions,
        "trend": trend,
        "trend_chart": trend_chart(trend),
        "evidence": [
            {
                "key": k,
                "text": texts.get(k, ""),
                "ratings": v,
                "labels": [value_labels.get(r.value, r.value) for r in v],
            }
            for k, v in evidence.items()
        ],
        **kind_context,
    }


def render_html(user: Any, assessment: Assessment, *, standalone: bool = True) -> str:
    """The report as a standalone HTML document (the PDF's source)."""
    context = report_context(user, assessment)
    context["css"] = CSS_PATH.read_text(encoding="utf-8")
    return render_to_string("assessments/report_document.html", context)


def render_pdf(user: Any, assessment: Assessment) -> bytes:
    from weasyprint import HTML

    html = render_to_string("assessments/report_document.html", report_context(user, assessment))
    pdf: bytes = HTML(string=html, base_url=str(CSS_PATH.parent)).write_pdf(
        stylesheets=[str(CSS_PATH)]
    )
    return pdf


__all__ = ["TLP", "render_html", "render_pdf", "report_context"]
