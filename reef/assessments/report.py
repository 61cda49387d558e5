"""The needs assessment report: one context, one content template, as HTML and as PDF."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db.models import Q
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


def _factor_finding(
    f: Any, fr: Any, aspects: dict[str, Any], stage_names: dict[int, str]
) -> dict[str, Any]:
    """A factor of the findings: its summary, and each aspect's stage, progress and target."""
    return {
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


def _gaps(
    result: Any, aspect_names: dict[str, str], stage_names: dict[int, str], texts: dict[str, str]
) -> list[dict[str, Any]]:
    """Each gap between an aspect's stage and its target, with the indicators still missing."""
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
    return gaps


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
            factor_rows.append(_factor_finding(f, fr, aspects, stage_names))
        charts_radar.append(_safe(charts.radar(f"{d.key} {d.name}", axes)))
        heat_rows.append((f"{d.key} {d.name}", cells))
        findings.append(
            {"key": d.key, "name": d.name, "summary": dims[d.key], "factors": factor_rows}
        )
    gaps = _gaps(result, aspect_names, stage_names, texts)
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


def participants_by_session_and_sector(sessions: list[Any]) -> dict[str, Any]:
    """Both participant tables from one count, so they cannot disagree.

    A session is held for one cluster but counts people from several sectors (a government
    session with two people from defence); the session table shows each session's people by
    sector, the sector table is its column totals, and both end on the same total.
    """
    labels = dict(Cluster.choices)
    by_sector: Counter[str] = Counter()
    for s in sessions:
        for sector, count in s.participants.items():
            by_sector[sector] += int(count)
    # Known sectors in their usual order, then any other key a stored session holds.
    keys = [k for k in Cluster.values if by_sector[k]]
    keys += sorted(k for k in by_sector if k not in keys and by_sector[k])
    rows = [
        {
            "session": s,
            "counts": [int(s.participants.get(k, 0)) for k in keys],
            "total": sum(int(s.participants.get(k, 0)) for k in keys),
        }
        for s in sessions
    ]
    return {
        "sectors": [labels.get(k, k) for k in keys],
        "session_rows": rows,
        "consulted": [(labels.get(k, k), by_sector[k]) for k in keys],
        "participants_total": sum(by_sector[k] for k in keys),
    }


def report_context(user: Any, assessment: Assessment) -> dict[str, Any]:
    """Everything the report shows, read as `user` (evidence through the access layer)."""
    result = selectors.assessment_result(assessment)
    kind_context = (
        _staged(assessment, result)
        if assessment.framework.kind == "staged"
        else _scored(assessment, result)
    )
    sessions = list(selectors.sessions_of(user, assessment))
    participation = participants_by_session_and_sector(sessions)
    team = list(assessment.team.all()) or []
    external = list(assessment.external_assessors.values())
    texts: dict[str, str] = kind_context["indicator_texts"]
    value_labels = dict(RatingValue.choices)
    evidence: dict[str, list[Any]] = defaultdict(list)
    tlp = str(assessment.tlp)
    # Only the ratings with evidence, chosen in SQL: every rating (thousands) was loaded
    # with its indicator, assessor and assessment to keep the few with evidence.
    with_evidence = ~Q(evidence_text="") | ~Q(evidence_link="") | ~Q(evidence_file="")
    for r in (
        selectors.ratings_visible(user, assessment)
        .filter(with_evidence)
        .order_by("indicator__position", "pk")
    ):
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
        **participation,
        "decisions": decisions,
        "trend": trend,
        "trend_chart": trend_chart(trend),
        "review": selectors.review_record(user, assessment),
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


#: Bump when the report's content or layout changes: stored reports made by older code
#: are then made again (it is part of every stored report's fingerprint).
REPORT_CODE_VERSION = "2026-12-03.1"

#: A callback told how far a rendering is (0-100), for the worker's progress.
type Progress = Callable[[int], None]


def _no_progress(percent: int) -> None:
    return None


#: A section of the draft report under review holds at most this many characters.
SECTION_LIMIT = 20000


def _lines(*parts: str) -> str:
    return "\n".join(p for p in parts if p).strip()[:SECTION_LIMIT]


def _staged_sections(context: dict[str, Any]) -> list[tuple[str, str]]:
    sections = []
    gaps_by_key = {g["key"]: g for g in context["gaps"]}
    for d in context["findings"]:
        rows = [
            _("Aspects from stage %(lo)s to %(hi)s, mean %(mean)s.")
            % {
                "lo": d["summary"].stage_min,
                "hi": d["summary"].stage_max,
                "mean": d["summary"].stage_mean,
            }
        ]
        gaps = []
        for f in d["factors"]:
            rows.append(
                _("%(key)s %(name)s: mean stage %(mean)s.")
                % {"key": f["key"], "name": f["name"], "mean": f["summary"].stage_mean}
            )
            for a in f["aspects"]:
                name = _("(factor as a whole)") if a["implicit"] else f"{a['key']} {a['name']}"
                target = a["target"] if a["target"] is not None else "-"
                rows.append(
                    "- "
                    + _("%(aspect)s: stage %(stage)s (%(stage_name)s), target %(target)s.")
                    % {
                        "aspect": name,
                        "stage": a["stage"],
                        "stage_name": a["stage_name"],
                        "target": target,
                    }
                )
                gap = gaps_by_key.get(a["key"])
                if gap is not None:
                    gaps.append(
                        _(
                            "%(key)s %(name)s: at stage %(stage)s (%(stage_name)s); target "
                            "stage %(target)s (%(target_name)s). Missing indicators: %(missing)s."
                        )
                        % {
                            "key": gap["key"],
                            "name": gap["name"],
                            "stage": gap["stage"],
                            "stage_name": gap["stage_name"],
                            "target": gap["target"],
                            "target_name": gap["target_name"],
                            "missing": "; ".join(f"{m['key']} {m['text']}" for m in gap["missing"]),
                        }
                    )
        text = _lines(
            "\n".join(rows),
            "\n" + _("Gaps:") + "\n" + "\n".join(f"- {g}" for g in gaps) if gaps else "",
        )
        sections.append(
            (_("Findings and gaps: %(key)s %(name)s") % {"key": d["key"], "name": d["name"]}, text)
        )
    return sections


def _scored_sections(context: dict[str, Any]) -> list[tuple[str, str]]:
    sections = []
    gaps_by_key = {g["key"]: g for g in context["gaps"]}
    for p in context["pillars"]:
        target = p["target"] if p["target"] is not None else "-"
        rows = [
            _("Score %(score)s of %(max)s; target %(target)s.")
            % {"score": p["score"], "max": p["max"], "target": target}
        ]
        gap = gaps_by_key.get(p["key"])
        if gap is not None:
            rows.append(_("Missing indicators:"))
            rows += [f"- {m['key']} {m['text']}" for m in gap["missing"]]
        sections.append(
            (_("Results and gaps: %(name)s") % {"name": p["name"]}, _lines("\n".join(rows)))
        )
    return sections


def review_sections(user: Any, assessment: Assessment) -> list[tuple[str, str]]:
    """The draft report cut into (heading, text) sections for the country's review: the
    executive summary, each dimension's (or pillar's) results and gaps, the targets.
    Texts are the report's own, read as `user`; neither ratings nor evidence are included
    (the review carries the assessment's label, not the ratings')."""
    context = report_context(user, assessment)
    if context["kind"] == "staged":
        overview = _(
            "The team assessed %(n)s aspects. The median aspect is at stage %(median)s. "
            "%(count)s aspects are below the target agreed with the country."
        ) % {
            "n": context["aspect_count"],
            "median": context["median_stage"],
            "count": len(context["gaps"]),
        }
    else:
        result = context["result"]
        overview = _(
            "Total score %(total)s of 100: tier %(tier)s (%(name)s). "
            "%(count)s pillars are below their target."
        ) % {
            "total": result.total,
            "tier": result.tier,
            "name": context["tier_name"],
            "count": len(context["gaps"]),
        }
    sections = [(_("Executive summary"), _lines(assessment.summary, overview))]
    if context["kind"] == "staged":
        sections += _staged_sections(context)
    else:
        sections += _scored_sections(context)
    targets = selectors.targets_of(assessment)
    sections.append(
        (
            _("Targets agreed with the country"),
            _lines("\n".join(f"- {key}: {value:g}" for key, value in targets.items()))
            or _("No targets are set."),
        )
    )
    return sections


def render_html(user: Any, assessment: Assessment, *, standalone: bool = True) -> str:
    """The report as a standalone HTML document (the PDF's source)."""
    context = report_context(user, assessment)
    context["css"] = CSS_PATH.read_text(encoding="utf-8")
    return render_to_string("assessments/report_document.html", context)


def render_pdf(user: Any, assessment: Assessment) -> bytes:
    """The report as a tagged PDF, in the active language."""
    return pdf_of(report_context(user, assessment))


def pdf_of(context: dict[str, Any], *, progress: Progress = _no_progress) -> bytes:
    """A report context as a tagged PDF (PDF/UA-1: structure tree, document title shown,
    `lang` of the active language)."""
    from weasyprint import HTML

    html = render_to_string("assessments/report_document.html", context)
    progress(30)
    document = HTML(string=html, base_url=str(CSS_PATH.parent)).render(
        stylesheets=[str(CSS_PATH)], pdf_variant="pdf/ua-1"
    )
    progress(80)
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return pdf


def render_docx(user: Any, assessment: Assessment) -> bytes:
    return docx_of(report_context(user, assessment))


def docx_of(context: dict[str, Any], *, progress: Progress = _no_progress) -> bytes:
    """The same report as an editable Word document (reef.assessments.report_docx)."""
    from reef.assessments import report_docx

    progress(30)
    return report_docx.build(context)


__all__ = [
    "REPORT_CODE_VERSION",
    "TLP",
    "docx_of",
    "pdf_of",
    "render_docx",
    "render_html",
    "render_pdf",
    "report_context",
]
