"""Reports made by the worker, kept until what they show changes (issue 15)."""

from __future__ import annotations

import contextlib
import datetime
import io
import re
import zlib
from typing import Any

import pytest
from django.test import Client
from docx import Document

from reef.assessments import report, reportfiles, services
from reef.assessments.models import Cluster, ReportFile, Status
from reef.assessments.tests.helpers import build
from reef.core.errors import ServiceError
from reef.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _pdf_text(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated (object streams hold the catalog)."""
    parts = [pdf]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(m.group(1)))
    return b"\n".join(parts)


def _with_sessions(users: dict[str, Any]) -> Any:
    a = build(users, until=Status.RATING)
    lead = users["coordinator"]
    sessions: list[tuple[str, dict[str, int]]] = [
        (Cluster.GOVERNMENT, {Cluster.GOVERNMENT: 14, Cluster.DEFENCE: 2}),
        (Cluster.CRITICAL_INFRASTRUCTURE, {"critical_infrastructure": 8, "private_sector": 3}),
        (Cluster.PRIVATE_SECTOR, {Cluster.PRIVATE_SECTOR: 9}),
    ]
    for n, (cluster, people) in enumerate(sessions):
        services.session_record(
            actor=lead,
            assessment=a,
            cluster=cluster,
            held_on=datetime.date(2026, 3, 2 + n),
            participants=people,
        )
    services.rating_submit(
        actor=users["expert"],
        assessment=a,
        indicator=a.framework.indicators.order_by("position")[0].key,
        value="met",
        evidence_text="Seen the mandate letter.",
    )
    services.assessment_close_rating(actor=lead, assessment=a)
    a.refresh_from_db()
    return a


def test_participants_by_session_and_by_sector_agree(users: dict[str, Any]) -> None:
    a = _with_sessions(users)
    ctx = report.report_context(users["focal_point"], a)
    rows = ctx["session_rows"]
    assert len(rows) == 3
    # Each session's row is its people by sector; the sector table is the column totals.
    columns = [sum(r["counts"][i] for r in rows) for i in range(len(ctx["sectors"]))]
    assert columns == [n for _label, n in ctx["consulted"]]
    assert sum(r["total"] for r in rows) == ctx["participants_total"] == 36
    assert dict(ctx["consulted"])["Private sector"] == 12  # 9 + 3 from another session
    html = Client()
    html.force_login(users["focal_point"])
    page = html.get(f"/assessments/{a.pk}/report/").content.decode()
    by_session = page.split('class="compact participants-by-session"')[1].split("</table>")[0]
    by_sector = page.split('class="compact participants-by-sector"')[1].split("</table>")[0]
    assert "<th>36</th>" in by_session and "<th>36</th>" in by_sector
    assert "<th>12</th>" in by_session and "<td>12</td>" in by_sector


@pytest.fixture
def post(django_capture_on_commit_callbacks: Any) -> Any:
    """A POST whose after-commit callbacks run (the immediate worker runs inside them)."""

    def run(client: Client, url: str) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url)

    return run


def _prepare(post: Any, client: Client, a: Any, fmt: str = "pdf") -> Any:
    return post(client, f"/assessments/{a.pk}/report/{fmt}/prepare/")


def test_pdf_is_prepared_by_the_worker_then_served_from_storage(
    users: dict[str, Any], clients: dict[str, Any], post: Any
) -> None:
    a = build(users, until=Status.COMPLETE)
    fp = clients["focal_point"]
    # Nothing stored yet: the download sends the reader to the page that offers to prepare it.
    first = fp.get(f"/assessments/{a.pk}/report.pdf")
    assert first.status_code == 302 and first["Location"].endswith("/report/#downloads")
    page = fp.get(f"/assessments/{a.pk}/report/").content.decode()
    assert "Prepare PDF" in page and "Prepare DOCX" in page and "Download PDF" not in page
    assert ReportFile.objects.count() == 0

    done = _prepare(post, fp, a)
    assert done.status_code == 302
    row = ReportFile.objects.get()
    assert (row.state, row.progress, row.format, row.language) == ("done", 100, "pdf", "en")
    assert row.tlp == "TLP:AMBER+STRICT" and row.requested_by == users["focal_point"]
    page = fp.get(f"/assessments/{a.pk}/report/").content.decode()
    assert "Download PDF" in page and "Prepare PDF" not in page and "Prepare DOCX" in page

    got = fp.get(f"/assessments/{a.pk}/report.pdf")
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"] == (
        f'attachment; filename="reef-assessment-{a.pk}-GD-2026-en.pdf"'
    )
    assert got["Cache-Control"] == "private, no-cache"
    pdf = b"".join(got.streaming_content)
    assert pdf.startswith(b"%PDF")
    # Tagged (PDF/UA-1): a structure tree, the language, the title shown as the window title.
    text = _pdf_text(pdf)
    assert b"/StructTreeRoot" in text and b"/MarkInfo" in text
    assert re.search(rb"/Lang\s*\(en\)", text)
    titles = re.findall(rb"/Title\s*<feff([0-9a-f]+)>", text)
    info_titles = [bytes.fromhex(t.decode()).decode("utf-16-be") for t in titles]
    assert f"{a.title} · TLP:AMBER+STRICT" in info_titles
    assert b"/DisplayDocTitle true" in text
    # A private cache revalidates: unchanged, nothing is sent again.
    again = fp.get(f"/assessments/{a.pk}/report.pdf", HTTP_IF_NONE_MATCH=got["ETag"])
    assert again.status_code == 304

    # Asking again while it is current queues nothing (one per fingerprint).
    audits = AuditEntry.objects.filter(action="report_generate").count()
    _prepare(post, fp, a)
    assert ReportFile.objects.count() == 1
    assert AuditEntry.objects.filter(action="report_generate").count() == audits

    # The assessment changes: the stored report is no longer current for anyone.
    services.assessment_set_summary(actor=users["coordinator"], assessment=a, summary="New.")
    a.refresh_from_db()
    assert reportfiles.report_current(users["focal_point"], a, fmt="pdf") is None
    assert fp.get(f"/assessments/{a.pk}/report.pdf").status_code == 302
    _prepare(post, fp, a)
    # The new one replaced the old one, file and all.
    assert ReportFile.objects.count() == 1
    assert ReportFile.objects.get().inputs != row.inputs
    assert not row.file.storage.exists(str(row.file.name))


def test_spanish_reader_gets_a_spanish_pdf(
    users: dict[str, Any], clients: dict[str, Any], post: Any
) -> None:
    a = build(users, until=Status.COMPLETE)
    fp = clients["focal_point"]
    fp.cookies["django_language"] = "es"
    _prepare(post, fp, a)
    row = ReportFile.objects.get()
    assert row.language == "es"
    got = fp.get(f"/assessments/{a.pk}/report.pdf")
    assert got["Content-Disposition"].endswith('-es.pdf"')
    assert re.search(rb"/Lang\s*\(es\)", _pdf_text(b"".join(got.streaming_content)))
    # The English reader does not get the Spanish file.
    assert reportfiles.report_current(users["focal_point"], a, fmt="pdf", language="en") is None


def test_docx_has_the_same_sections_with_headings_and_header_rows(
    users: dict[str, Any], clients: dict[str, Any], post: Any
) -> None:
    a = _with_sessions(users)
    services.assessment_finish_consolidation(actor=users["coordinator"], assessment=a)
    fp = clients["focal_point"]
    _prepare(post, fp, a, "docx")
    got = fp.get(f"/assessments/{a.pk}/report.docx")
    assert got.status_code == 200
    assert got["Content-Type"] == reportfiles.FORMATS[ReportFile.Format.DOCX]
    doc = Document(io.BytesIO(b"".join(got.streaming_content)))
    headings = [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    assert headings == [
        "1. Executive summary",
        "2. Method",
        "3. Results at a glance",
        "4. Findings by dimension",
        "5. Gaps",
        "6. Proposed needs",
        "7. Consolidation decisions",
        "Appendix: evidence",
    ]
    assert doc.core_properties.title.startswith(a.title) and doc.core_properties.language == "en"
    for table in doc.tables:
        assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader"), table.rows[0].cells[0].text
    by_session = next(t for t in doc.tables if t.rows[0].cells[1].text == "Session for")
    by_sector = next(t for t in doc.tables if t.rows[0].cells[0].text == "Sector")
    assert by_session.rows[-1].cells[-1].text == by_sector.rows[-1].cells[-1].text == "36"
    assert doc.sections[0].header.paragraphs[0].text.startswith("TLP:")


@pytest.mark.parametrize("who", ["anonymous", "outsider", "public", "donor"])
def test_no_access_no_report(
    users: dict[str, Any], clients: dict[str, Any], post: Any, who: str
) -> None:
    a = build(users, until=Status.COMPLETE)
    _prepare(post, clients["focal_point"], a)
    c = clients[who]
    for path in ("report.pdf", "report.docx", "report/pdf/status/", "report/docx/status/"):
        assert c.get(f"/assessments/{a.pk}/{path}").status_code == 404, path
    assert _prepare(post, c, a).status_code == 404
    api = f"/api/v1/assessments/{a.pk}"
    assert c.get(f"{api}/report.pdf").status_code in {401, 404}
    assert c.post(f"{api}/reports/pdf").status_code in {401, 404}
    assert c.get(f"{api}/reports/pdf").status_code in {401, 404}
    assert ReportFile.objects.count() == 1


def test_independence_no_report_while_rating_is_open(
    users: dict[str, Any], clients: dict[str, Any], post: Any
) -> None:
    a = build(users, until=Status.RATING)
    for who in ("focal_point", "coordinator", "expert"):
        c = clients[who]
        assert c.get(f"/assessments/{a.pk}/report.pdf").status_code == 404
        assert c.get(f"/assessments/{a.pk}/report/pdf/status/").status_code == 404
        assert _prepare(post, c, a).status_code == 404
        assert c.post(f"/api/v1/assessments/{a.pk}/reports/pdf").status_code == 404
    assert ReportFile.objects.count() == 0


def test_bad_input_changes_nothing(
    users: dict[str, Any], clients: dict[str, Any], post: Any
) -> None:
    a = build(users, until=Status.COMPLETE)
    fp = clients["focal_point"]
    assert _prepare(post, fp, a, "exe").status_code == 404
    assert fp.get(f"/assessments/{a.pk}/report/exe/status/").status_code == 404
    assert fp.get(f"/assessments/{a.pk}/report/pdf/prepare/").status_code == 405
    bad = fp.post(f"/api/v1/assessments/{a.pk}/reports/exe")
    assert bad.status_code == 400 and "exe" in bad.json()["detail"]
    assert fp.post("/api/v1/assessments/999999/reports/pdf").status_code == 404
    with pytest.raises(ServiceError):
        reportfiles.report_request(
            actor=users["focal_point"], assessment=a, fmt="pdf", language="xx"
        )
    assert ReportFile.objects.count() == 0


def test_progress_is_polled_while_the_worker_runs(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    a = build(users, until=Status.COMPLETE)
    inputs, view = reportfiles.fingerprint(users["focal_point"], a)
    ReportFile.objects.create(
        assessment=a,
        format="pdf",
        language="en",
        inputs=inputs,
        view=view,
        requested_by=users["focal_point"],
        state=ReportFile.State.RUNNING,
        progress=40,
    )
    frag = clients["focal_point"].get(f"/assessments/{a.pk}/report/pdf/status/")
    html = frag.content.decode()
    assert frag.status_code == 200
    assert 'hx-trigger="every 2s"' in html and 'value="40"' in html and "being prepared" in html
    assert "style=" not in html and "<script" not in html  # strict CSP
    state = clients["focal_point"].get(f"/api/v1/assessments/{a.pk}/reports/pdf").json()
    assert state["state"] == "running" and state["progress"] == 40 and state["download"] is None


def test_a_failed_report_says_so_and_can_be_asked_again(
    users: dict[str, Any], clients: dict[str, Any], post: Any
) -> None:
    a = build(users, until=Status.COMPLETE)
    inputs, view = reportfiles.fingerprint(users["focal_point"], a)
    row = ReportFile.objects.create(
        assessment=a, format="pdf", language="en", inputs=inputs, view=view, requested_by=None
    )
    failed = reportfiles.report_generate(report_id=row.pk)
    assert (
        failed is not None and failed.state == "failed" and "no longer has access" in failed.error
    )
    page = clients["focal_point"].get(f"/assessments/{a.pk}/report/").content.decode()
    assert "Preparing the PDF failed" in page and "Prepare PDF" in page
    _prepare(post, clients["focal_point"], a)
    assert ReportFile.objects.get().state == "done"


def test_readers_who_see_less_never_get_a_file_made_for_more(
    users: dict[str, Any], clients: dict[str, Any], post: Any
) -> None:
    from reef.directory.models import Country

    a = build(users, until=Status.COMPLETE)
    # Shared with Barbados: its manager reads the assessment, not the expert's evidence
    # (a TLP:AMBER+STRICT rating stays with Grenada and the team).
    a.shared_with_countries.add(Country.objects.get(code="BB"))
    outsider, fp = users["outsider"], users["focal_point"]
    assert reportfiles.fingerprint(outsider, a)[0] == reportfiles.fingerprint(fp, a)[0]
    assert reportfiles.fingerprint(outsider, a)[1] != reportfiles.fingerprint(fp, a)[1]
    _prepare(post, clients["focal_point"], a, "docx")
    # The focal point's file (with the evidence) is not the one Barbados gets.
    assert reportfiles.report_current(outsider, a, fmt="docx") is None
    assert clients["outsider"].get(f"/assessments/{a.pk}/report.docx").status_code == 302
    _prepare(post, clients["outsider"], a, "docx")
    assert ReportFile.objects.count() == 2

    def text(client: Client) -> str:
        got = client.get(f"/assessments/{a.pk}/report.docx")
        doc = Document(io.BytesIO(b"".join(got.streaming_content)))  # type: ignore[attr-defined]
        return "\n".join(p.text for p in doc.paragraphs)

    assert "Seen the mandate letter." in text(clients["focal_point"])
    assert "Seen the mandate letter." not in text(clients["outsider"])


def test_api_prepare_state_download(
    users: dict[str, Any], clients: dict[str, Any], post: Any
) -> None:
    a = build(users, until=Status.COMPLETE)
    fp = clients["focal_point"]
    base = f"/api/v1/assessments/{a.pk}"
    assert fp.get(f"{base}/reports/pdf").json()["state"] == "none"
    not_yet = fp.get(f"{base}/report.pdf")
    assert not_yet.status_code == 400 and "reports/pdf" in not_yet.json()["detail"]
    made = post(fp, f"{base}/reports/pdf")
    assert made.status_code == 202 and made.json()["state"] == "queued"
    state = fp.get(f"{base}/reports/pdf").json()  # the worker has run since
    assert state["state"] == "done" and state["download"] == f"{base}/report.pdf"
    got = fp.get(f"{base}/report.pdf")
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert b"".join(got.streaming_content).startswith(b"%PDF")
    assert post(fp, f"{base}/reports/docx").status_code == 202
    assert fp.get(f"{base}/report.docx").status_code == 200
