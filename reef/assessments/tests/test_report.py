from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from django.core.management import call_command

from reef.assessments import charts, services
from reef.assessments.models import Status
from reef.assessments.tests.helpers import build


def _svg_ok(svg: str) -> ElementTree.Element:
    root = ElementTree.fromstring(svg)  # noqa: S314  (our own output)
    assert root.tag.endswith("svg")
    assert "style=" not in svg  # the CSP forbids inline styles
    return root


def test_charts_are_valid_svg_and_escape_labels() -> None:
    axes = [charts.Axis("<b>A & B</b>", 2.5, 3), charts.Axis("C", 1), charts.Axis("D", 5, None)]
    svg = charts.radar("Dim <1>", axes)
    _svg_ok(svg)
    assert "&lt;b&gt;A &amp; B" in svg and "<b>" not in svg
    _svg_ok(charts.radar("Two", axes[:2]))  # falls back to bars
    _svg_ok(charts.bars("Pillars", axes, 20))
    _svg_ok(charts.heatmap("Heat", [("D1", [charts.Cell("1.1", "x", 2.25, 1, 3)]), ("D2", [])]))


@pytest.mark.django_db
def test_report_page_pdf_and_cli(
    users: dict[str, Any],
    clients: dict[str, Any],
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    a = build(users, until=Status.COMPLETE)
    services.assessment_set_summary(
        actor=users["coordinator"], assessment=a, summary="SUMMARY-MARKER"
    )
    page = clients["focal_point"].get(f"/assessments/{a.pk}/report/")
    assert page.status_code == 200
    html = page.content.decode()
    # The expert's rating carries evidence, so the report is as strict as that rating.
    assert "TLP:AMBER+STRICT" in html
    assert "SUMMARY-MARKER" in html and "<svg" in html and "Proposed needs" in html
    assert "P.1.a.3.1" in html  # a missing indicator of the P.1.a gap
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs on commit
        clients["focal_point"].post(f"/assessments/{a.pk}/report/pdf/prepare/")
    pdf = clients["focal_point"].get(f"/assessments/{a.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    out = tmp_path / "report.html"
    call_command(
        "report",
        str(a.pk),
        "--format",
        "html",
        "-o",
        str(out),
        "--as",
        users["coordinator"].email,
        stdout=StringIO(),
    )
    text = out.read_text()
    assert text.startswith("<!DOCTYPE html>") and "TLP:AMBER" in text and "@page" in text
    out_pdf = tmp_path / "report.pdf"
    call_command(
        "report", str(a.pk), "-o", str(out_pdf), "--as", users["expert"].email, stdout=StringIO()
    )
    assert out_pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
def test_scored_framework_report(users: dict[str, Any], clients: dict[str, Any]) -> None:
    a = build(users, until=Status.COMPLETE, kind="scored")
    html = clients["coordinator"].get(f"/assessments/{a.pk}/report/").content.decode()
    assert "Score per pillar" in html and "TLP:AMBER" in html
    results = clients["coordinator"].get(f"/assessments/{a.pk}/results/")
    assert results.status_code == 200


@pytest.mark.django_db
def test_report_waits_for_rating_to_close(users: dict[str, Any], clients: dict[str, Any]) -> None:
    a = build(users, until=Status.RATING)
    assert clients["coordinator"].get(f"/assessments/{a.pk}/report/").status_code == 404
    page = clients["coordinator"].get(f"/assessments/{a.pk}/results/")
    assert b"Results are shown once" in page.content


@pytest.mark.django_db
def test_report_for_the_region_leaves_out_strict_evidence_and_decisions(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    from reef.assessments.tests.helpers import example_framework
    from reef.directory.models import Country

    fw = example_framework()
    a = services.assessment_request(
        actor=users["focal_point"],
        country=Country.objects.get(code="GD"),
        framework=fw,
        cycle="2026",
    )
    services.assessment_accept(actor=users["coordinator"], assessment=a)
    services.assessment_assign_team(
        actor=users["coordinator"],
        assessment=a,
        members=[users["expert"], users["donor"]],
        lead=users["expert"],
        roles={users["donor"].pk: "criminal_justice"},
    )
    services.rating_submit(
        actor=users["expert"],
        assessment=a,
        indicator="P.1.a.2.1",
        value="met",
        evidence_text="STRICT-EVIDENCE",
    )
    services.assessment_close_rating(actor=users["expert"], assessment=a)
    services.decision_record(
        actor=users["expert"], assessment=a, indicator="S.1.2.1", value="met", note="STRICT-NOTE"
    )
    # The coordinator of the region is not on this team: AMBER yes, AMBER+STRICT no.
    html = clients["coordinator"].get(f"/assessments/{a.pk}/report/").content.decode()
    assert "TLP:AMBER" in html and "TLP:AMBER+STRICT" not in html
    assert "STRICT-EVIDENCE" not in html and "STRICT-NOTE" not in html
    html = clients["focal_point"].get(f"/assessments/{a.pk}/report/").content.decode()
    assert "TLP:AMBER+STRICT" in html and "STRICT-EVIDENCE" in html and "STRICT-NOTE" in html
