"""The needs assessment report as DOCX, for countries that edit it.

Built from the same `report.report_context` as the PDF, with the same sections and
tables; its sentences use the same messages as the HTML template (one translation).
Charts are SVG, which Word documents do not hold portably: their numbers are given as
tables instead (stages per factor, scores per pillar, the cycles).
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return formats.number_format(round(value, 2))
    return str(value)


def _table(doc: DocumentObject, header: list[str], rows: list[list[Any]]) -> Table:
    """A table whose first row is a header row (repeated on each page, read as headers)."""
    table: Table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    head = table.rows[0]
    for cell, text in zip(head.cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    tr_pr = head._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    tr_pr.append(marker)
    for values in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        for cell, value in zip(cells, values, strict=True):
            cell.text = _fmt(value)
    return table


def _set_language(doc: DocumentObject, language: str) -> None:
    """The document's language: its properties and the default run style's `w:lang`."""
    doc.core_properties.language = language
    r_pr = doc.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    r_pr.append(lang)


def _summary(doc: DocumentObject, context: dict[str, Any]) -> None:
    """1. Executive summary."""
    a = context["assessment"]
    staged = context["kind"] == "staged"
    gaps: list[dict[str, Any]] = context["gaps"]
    doc.add_heading(_("1. Executive summary"), level=1)
    if a.summary:
        doc.add_paragraph(a.summary)
    if staged:
        doc.add_paragraph(
            _(
                "The team assessed %(n)s aspects. The median aspect is at stage %(median)s. "
                "%(count)s aspects are below the target agreed with the country; each gap is "
                "turned into a proposed need in section 6."
            )
            % {
                "n": context["aspect_count"],
                "median": context["median_stage"],
                "count": len(gaps),
            }
        )
        _table(
            doc,
            [f"{s} {name}" for s, name, _n in context["stage_counts"]],
            [
                [
                    ngettext("%(n)s aspect", "%(n)s aspects", n) % {"n": n}
                    for _s, _name, n in context["stage_counts"]
                ]
            ],
        )
        _table(
            doc,
            [_("Dimension"), _("Lowest stage"), _("Highest stage"), _("Mean stage")],
            [
                [
                    f"{d['key']} {d['name']}",
                    d["summary"].stage_min,
                    d["summary"].stage_max,
                    d["summary"].stage_mean,
                ]
                for d in context["findings"]
            ],
        )
    else:
        result = context["result"]
        doc.add_paragraph(
            _(
                "Total score %(total)s of 100: tier %(tier)s (%(name)s). "
                "%(count)s pillars are below their target."
            )
            % {
                "total": result.total,
                "tier": result.tier,
                "name": context["tier_name"],
                "count": len(gaps),
            }
        )


def _method(doc: DocumentObject, context: dict[str, Any]) -> None:
    """2. Method."""
    a = context["assessment"]
    doc.add_heading(_("2. Method"), level=1)
    doc.add_paragraph(
        _(
            "Each assessor rated every indicator of %(fw)s on their own, with evidence, before "
            "seeing the others' ratings. Ratings held by a majority were kept; the team lead "
            "settled the remaining disagreements in a consolidation meeting (section 7)."
        )
        % {"fw": a.framework.name}
    )
    doc.add_heading(_("Team"), level=2)
    for member in context["team"]:
        lead = f" ({_('team lead')})" if member.pk == a.lead_id else ""
        doc.add_paragraph(f"{member}{lead}", style="List Bullet")
    for name in context["external_assessors"]:
        doc.add_paragraph(str(name), style="List Bullet")
    if not context["team"] and not context["external_assessors"]:
        doc.add_paragraph(_("No team recorded."), style="List Bullet")
    _sessions(doc, context)


def _sessions(doc: DocumentObject, context: dict[str, Any]) -> None:
    """2. Method: the stakeholder sessions, and who was consulted by sector."""
    doc.add_heading(_("Stakeholder sessions"), level=2)
    if context["sessions"]:
        doc.add_paragraph(_("Participants of each session, by the sector they come from"))
        rows: list[list[Any]] = [
            [
                formats.date_format(r["session"].held_on, "j M Y"),
                r["session"].get_cluster_display(),
                *r["counts"],
                r["total"],
            ]
            for r in context["session_rows"]
        ]
        rows.append(
            [
                _("Total"),
                "",
                *[n for _l, n in context["consulted"]],
                context["participants_total"],
            ]
        )
        _table(
            doc,
            [_("Date"), _("Session for"), *context["sectors"], _("Total")],
            rows,
        )
        for r in context["session_rows"]:
            if r["session"].notes:
                doc.add_paragraph(
                    f"{formats.date_format(r['session'].held_on, 'j M Y')}, "
                    f"{r['session'].get_cluster_display()}: {r['session'].notes}",
                    style="List Bullet",
                )
        doc.add_heading(_("Who was consulted, by sector"), level=2)
        _table(
            doc,
            [_("Sector"), _("Participants")],
            [[label, n] for label, n in context["consulted"]]
            + [[_("Total"), context["participants_total"]]],
        )
    else:
        doc.add_paragraph(_("No stakeholder sessions recorded."))


def _glance(doc: DocumentObject, context: dict[str, Any]) -> None:
    """3. Results at a glance (the charts' numbers)."""
    staged = context["kind"] == "staged"
    doc.add_heading(_("3. Results at a glance"), level=1)
    if staged:
        doc.add_paragraph(_("Stage of each factor (mean of its aspects)"))
        _table(
            doc,
            [_("Factor / aspect"), _("Mean stage"), _("Lowest stage"), _("Highest stage")],
            [
                [
                    f"{f['key']} {f['name']}",
                    f["summary"].stage_mean,
                    f["summary"].stage_min,
                    f["summary"].stage_max,
                ]
                for d in context["findings"]
                for f in d["factors"]
            ],
        )
    else:
        doc.add_paragraph(_("Score per pillar"))
        _table(
            doc,
            [_("Pillar"), _("Score"), _("Maximum"), _("Target")],
            [[p["name"], p["score"], p["max"], p["target"]] for p in context["pillars"]],
        )
    trend = context["trend"]
    if len(trend["cycles"]) > 1:
        doc.add_heading(_("Over the cycles"), level=2)
        trend_rows = [[f"{row['key']} {row['name']}", *row["values"]] for row in trend["rows"]]
        if trend["totals"]:
            trend_rows.append([_("Total"), *trend["totals"]])
        _table(
            doc,
            [_("Factor") if staged else _("Pillar"), *[c["cycle"] for c in trend["cycles"]]],
            trend_rows,
        )


def _findings(doc: DocumentObject, context: dict[str, Any]) -> None:
    """4. Findings by dimension."""
    staged = context["kind"] == "staged"
    doc.add_heading(_("4. Findings by dimension"), level=1)
    if staged:
        for d in context["findings"]:
            doc.add_heading(f"{d['key']} {d['name']}", level=2)
            summary = d["summary"]
            doc.add_paragraph(
                _("Aspects from stage %(lo)s to %(hi)s, mean %(mean)s.")
                % {"lo": summary.stage_min, "hi": summary.stage_max, "mean": summary.stage_mean}
            )
            finding_rows: list[list[Any]] = []
            for f in d["factors"]:
                finding_rows.append(
                    [
                        f"{f['key']} {f['name']} · {_('mean')} {_fmt(f['summary'].stage_mean)}",
                        "",
                        "",
                        "",
                    ]
                )
                for asp in f["aspects"]:
                    finding_rows.append(
                        [
                            _("(factor as a whole)")
                            if asp["implicit"]
                            else f"{asp['key']} {asp['name']}",
                            f"{asp['stage']} {asp['stage_name']}",
                            f"{asp['progress']}%" if asp["stage"] < 5 else "-",
                            asp["target"],
                        ]
                    )
            _table(
                doc,
                [_("Factor / aspect"), _("Stage"), _("Towards next stage"), _("Target")],
                finding_rows,
            )
    else:
        _table(
            doc,
            [_("Pillar"), _("Score"), _("Maximum"), _("Target")],
            [[p["name"], p["score"], p["max"], p["target"]] for p in context["pillars"]],
        )


def _gaps(doc: DocumentObject, context: dict[str, Any]) -> None:
    """5. Gaps."""
    staged = context["kind"] == "staged"
    gaps: list[dict[str, Any]] = context["gaps"]
    doc.add_heading(_("5. Gaps"), level=1)
    for g in gaps:
        doc.add_heading(f"{g['key']} {g['name']}", level=2)
        if staged:
            text = _(
                "At stage %(s)s (%(sn)s); target stage %(t)s (%(tn)s). Missing indicators:"
            ) % {"s": g["stage"], "sn": g["stage_name"], "t": g["target"], "tn": g["target_name"]}
        else:
            text = _("Score %(s)s; target %(t)s. Missing indicators:") % {
                "s": g["score"],
                "t": g["target"],
            }
        doc.add_paragraph(text)
        for m in g["missing"]:
            doc.add_paragraph(f"{m['key']} {m['text']}", style="List Bullet")
    if not gaps:
        doc.add_paragraph(
            _("No gaps: every aspect with a target has reached it, or no targets are set.")
        )


def _needs(doc: DocumentObject, context: dict[str, Any]) -> None:
    """6. Proposed needs."""
    staged = context["kind"] == "staged"
    gaps: list[dict[str, Any]] = context["gaps"]
    doc.add_heading(_("6. Proposed needs"), level=1)
    for g in gaps:
        if staged:
            need = _(
                "<strong>%(name)s</strong> (%(key)s): support to move from stage %(s)s to stage "
                "%(t)s by meeting %(n)s indicators listed in section 5."
            ) % {
                "name": g["name"],
                "key": g["key"],
                "s": g["stage"],
                "t": g["target"],
                "n": len(g["missing"]),
            }
        else:
            need = _(
                "<strong>%(name)s</strong>: support to raise the score from %(s)s to %(t)s by "
                "meeting %(n)s indicators listed in section 5."
            ) % {"name": g["name"], "s": g["score"], "t": g["target"], "n": len(g["missing"])}
        # The message marks the name in bold for HTML; Word gets it as a bold run.
        head, _sep, rest = need.partition("</strong>")
        item = doc.add_paragraph(style="List Number")
        item.add_run(head.replace("<strong>", "")).bold = True
        item.add_run(rest)
    if not gaps:
        doc.add_paragraph(_("No needs proposed."))


def _decisions(doc: DocumentObject, context: dict[str, Any]) -> None:
    """7. Consolidation decisions."""
    doc.add_heading(_("7. Consolidation decisions"), level=1)
    if context["decisions"]:
        _table(
            doc,
            [_("Indicator"), _("Decision"), _("Note"), _("Dissent")],
            [
                [
                    d.indicator.key,
                    d.get_value_display(),
                    d.note,
                    ", ".join(str(x) for x in d.dissent) or "-",
                ]
                for d in context["decisions"]
            ],
        )
    else:
        doc.add_paragraph(_("No decisions were needed."))


def _appendix(doc: DocumentObject, context: dict[str, Any]) -> None:
    """Appendix."""
    doc.add_heading(_("Appendix: evidence"), level=1)
    for item in context["evidence"]:
        doc.add_paragraph(f"{item['key']} {item['text']}")
        for r in item["ratings"]:
            line = doc.add_paragraph(style="List Bullet")
            line.add_run(str(r.assessor_name)).bold = True
            text = f" ({r.get_value_display()})"
            if r.evidence_text:
                text += f": {r.evidence_text}"
            if r.evidence_link:
                text += f" {r.evidence_link}"
            if r.evidence_file:
                text += f" [{_('file')}: {r.evidence_filename or r.evidence_content_type}]"
            line.add_run(text)
    if not context["evidence"]:
        doc.add_paragraph(_("No evidence you may see was recorded."))


def build(context: dict[str, Any]) -> bytes:
    """The DOCX bytes of a report context (`report.report_context`)."""
    a = context["assessment"]
    language = get_language() or "en"
    doc = Document()
    _set_language(doc, language)
    doc.core_properties.title = f"{a.title} · {context['tlp']}"
    doc.core_properties.subject = _("Needs assessment report")
    doc.core_properties.keywords = context["tlp"]

    # The label on every page, as the PDF carries it in its header and footer.
    section = doc.sections[0]
    section.header.paragraphs[0].text = context["tlp"]
    section.footer.paragraphs[0].text = context["tlp"]
    doc.add_paragraph(_("Needs assessment report"))
    doc.add_heading(a.title, level=0)
    doc.add_paragraph(
        f"{context['tlp']} · {a.country.display_name} · {a.framework.name} "
        f"({a.framework.slug}@{a.framework.release}) · {_('Cycle')} {a.cycle}"
    )
    doc.add_paragraph(
        _("Generated on %(when)s; assessment status: %(status)s.")
        % {
            "when": formats.date_format(context["generated_at"], "j F Y"),
            "status": a.get_status_display(),
        }
        + " "
        + _(
            "This report carries the Traffic Light Protocol label shown above: share it "
            "only as that label allows."
        )
    )
    for part in (_summary, _method, _glance, _findings, _gaps, _needs, _decisions, _appendix):
        part(doc, context)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
