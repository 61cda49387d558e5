"""Tests of the IATI 2.03 activity export, validated against the official schema."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from reef.planning.iati import (
    SCHEMA_DIR,
    IatiActivity,
    IatiCommitment,
    IatiOrganisation,
    IatiSector,
    activity_status,
    build_iati_activities,
    export_iati_xml,
    validate,
)
from reef.planning.rollup import CommitmentStatus, Money, RateTable

S = CommitmentStatus
NOW = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
IMPACS = IatiOrganisation("XI-IATI-IMPACS", "CARICOM IMPACS", "40")
OAS = IatiOrganisation("XI-IATI-OAS", "Organization of American States", "40")
COE = IatiOrganisation("XI-IATI-COE", "Council of Europe", "40")
GD_GOV = IatiOrganisation("GD-GOV-ICT", "Government of Grenada, Ministry of ICT", "10")


@pytest.fixture(scope="module")
def xsd() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMA_DIR / "iati-activities-schema.xsd"))


def assert_valid(data: bytes, xsd: xmlschema.XMLSchema) -> etree._Element:
    assert validate(data) == []  # lxml, through the module's helper
    xsd.validate(data.decode("utf-8"))  # and independently with xmlschema
    return etree.fromstring(data)


def commitment(
    id: str, status: CommitmentStatus, amount: str | None, currency: str = "USD", **kw: object
) -> IatiCommitment:
    money = Money(Decimal(amount), currency) if amount is not None else None
    defaults: dict[str, object] = {"accepted_on": date(2026, 2, 1)}
    defaults.update(kw)
    return IatiCommitment(id, OAS, status, money, **defaults)  # type: ignore[arg-type]


def activity(**kw: object) -> IatiActivity:
    values: dict[str, object] = {
        "id": "GD-2026-001",
        "title": "National CSIRT incident handling programme",
        "description": "Train the national CSIRT and its future trainers.",
        "start": date(2026, 3, 1),
        "end": date(2027, 6, 30),
        "recipient_country": "GD",
        "beneficiary": GD_GOV,
    }
    values.update(kw)
    return IatiActivity(**values)  # type: ignore[arg-type]


def test_schema_files_shipped_with_readme_and_licence() -> None:
    names = {p.name for p in Path(SCHEMA_DIR).iterdir()}
    assert {
        "iati-activities-schema.xsd",
        "iati-common.xsd",
        "xml.xsd",
        "README.md",
        "LICENSE",
    } <= names


def test_full_activity(xsd: xmlschema.XMLSchema) -> None:
    act = activity(
        commitments=(
            commitment("C1", S.DELIVERED, "12000", delivered_on=date(2026, 9, 1), implementer=COE),
            commitment("C2", S.ACCEPTED, "5000.5"),
            commitment("C3", S.OFFERED, "700"),  # not published yet
            commitment("C4", S.WITHDRAWN, "900"),
        ),
        sectors=(
            IatiSector("15210"),
            IatiSector("incident-response", vocabulary="99", name="CCSCAP: Incident Response"),
        ),
        last_updated=datetime(2026, 4, 30, 9, 0, tzinfo=timezone(timedelta(hours=-4))),
    )
    data = export_iati_xml([act], IMPACS, NOW)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = assert_valid(data, xsd)
    assert root.get("version") == "2.03"
    assert root.get("generated-datetime") == "2026-05-01T12:30:00+00:00"
    (node,) = root.findall("iati-activity")
    assert node.findtext("iati-identifier") == "XI-IATI-IMPACS-GD-2026-001"
    assert node.find("reporting-org").get("ref") == "XI-IATI-IMPACS"
    assert node.get("last-updated-datetime") == "2026-04-30T09:00:00-04:00"
    roles = [(p.get("ref"), p.get("role")) for p in node.findall("participating-org")]
    assert roles == [
        ("XI-IATI-OAS", "1"),
        ("GD-GOV-ICT", "2"),
        ("XI-IATI-COE", "4"),
        ("XI-IATI-OAS", "4"),
    ]
    assert node.find("activity-status").get("code") == "2"
    assert node.find("recipient-country").get("code") == "GD"
    assert [(s.get("vocabulary"), s.get("code")) for s in node.findall("sector")] == [
        ("1", "15210"),
        ("99", "incident-response"),
    ]
    tx = [
        (
            t.find("transaction-type").get("code"),
            t.find("value").text,
            t.find("value").get("currency"),
            t.find("value").get("value-date"),
        )
        for t in node.findall("transaction")
    ]
    assert tx == [
        ("2", "12000.00", "USD", "2026-02-01"),
        ("2", "5000.50", "USD", "2026-02-01"),
        ("3", "12000.00", "USD", "2026-09-01"),
    ]
    # Budgets: periods of at most a year, summing to the accepted total.
    budgets = node.findall("budget")
    assert [b.find("period-start").get("iso-date") for b in budgets] == ["2026-03-01", "2027-03-01"]
    assert sum(Decimal(b.find("value").text) for b in budgets) == Decimal("17000.50")
    assert node.get("default-currency") == "USD"


def test_no_commitments(xsd: xmlschema.XMLSchema) -> None:
    root = assert_valid(export_iati_xml([activity(beneficiary=None)], IMPACS, NOW), xsd)
    node = root.find("iati-activity")
    assert node.find("activity-status").get("code") == "1"  # pipeline
    assert node.findall("transaction") == [] and node.findall("budget") == []
    # The schema needs a participating organisation: the publisher is accountable.
    assert [(p.get("ref"), p.get("role")) for p in node.findall("participating-org")] == [
        ("XI-IATI-IMPACS", "2")
    ]


def test_empty_export_refused() -> None:
    with pytest.raises(ValueError, match="at least one activity"):
        export_iati_xml([], IMPACS, NOW)


def test_non_ascii_and_control_characters(xsd: xmlschema.XMLSchema) -> None:
    act = activity(
        title="Formación de formadores — Haïti: «sécurité» 🛡",
        description="Kreyòl ayisyen: fòmasyon\x00\x0b sou sekirite\ttout moun",
        recipient_country="ht",
    )
    data = export_iati_xml(
        [act], IatiOrganisation("XI-IATI-CTU", "CTU — Ünïcödé", "40"), NOW, lang="fr"
    )
    root = assert_valid(data, xsd)
    node = root.find("iati-activity")
    assert node.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert node.findtext("title/narrative") == "Formación de formadores — Haïti: «sécurité» 🛡"
    assert (
        node.findtext("description/narrative") == "Kreyòl ayisyen: fòmasyon sou sekirite\ttout moun"
    )
    assert node.find("recipient-country").get("code") == "HT"


def test_several_currencies(xsd: xmlschema.XMLSchema) -> None:
    act = activity(
        commitments=(
            commitment("C1", S.ACCEPTED, "1000", "EUR"),
            commitment("C2", S.IN_PROGRESS, "2700", "XCD"),
            commitment(
                "C3",
                S.VERIFIED,
                "300",
                "USD",
                delivered_on=date(2026, 4, 1),
                disbursed=Money(Decimal("250"), "USD"),
            ),
        )
    )
    root = assert_valid(export_iati_xml([act], IMPACS, NOW), xsd)
    node = root.find("iati-activity")
    currencies = [v.get("currency") for v in node.findall("transaction/value")]
    assert currencies == ["EUR", "XCD", "USD", "USD"]
    assert node.findall("transaction/value")[-1].text == "250.00"  # partial disbursement
    # Without a rate table, no single-currency budget can be stated.
    assert node.findall("budget") == [] and node.get("default-currency") is None

    rates = RateTable("USD", {"EUR": Decimal("1.10"), "XCD": Decimal("0.37")})
    root = assert_valid(export_iati_xml([act], IMPACS, NOW, rates=rates), xsd)
    budgets = root.findall("iati-activity/budget")
    assert {b.find("value").get("currency") for b in budgets} == {"USD"}
    assert sum(Decimal(b.find("value").text) for b in budgets) == Decimal("2399.00")


def test_regional_activity_and_in_kind(xsd: xmlschema.XMLSchema) -> None:
    act = activity(
        id="CARICOM-IR-7",
        recipient_country=None,
        recipient_region="380",
        beneficiary=None,
        commitments=(commitment("K1", S.IN_PROGRESS, None, implementer=COE),),
    )
    root = assert_valid(export_iati_xml([act, activity()], IMPACS, NOW), xsd)
    first = root.findall("iati-activity")[0]
    assert first.find("recipient-region").get("code") == "380"
    assert first.find("activity-scope").get("code") == "2"
    assert first.findall("transaction") == []  # in kind: no money to report
    assert len(root.findall("iati-activity")) == 2


def test_february_29_budget_periods(xsd: xmlschema.XMLSchema) -> None:
    act = activity(
        start=date(2028, 2, 29),
        end=date(2030, 1, 15),
        commitments=(commitment("C1", S.ACCEPTED, "1000"),),
    )
    root = assert_valid(export_iati_xml([act], IMPACS, NOW), xsd)
    periods = [
        (b.find("period-start").get("iso-date"), b.find("period-end").get("iso-date"))
        for b in root.findall("iati-activity/budget")
    ]
    assert periods == [("2028-02-29", "2029-02-28"), ("2029-03-01", "2030-01-15")]


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        ([], "1"),
        ([S.OFFERED], "1"),
        ([S.WITHDRAWN, S.WITHDRAWN], "5"),
        ([S.ACCEPTED, S.DELIVERED], "2"),
        ([S.OFFERED, S.DELIVERED], "2"),
        ([S.DELIVERED, S.VERIFIED, S.WITHDRAWN], "3"),
        ([S.VERIFIED], "4"),
    ],
)
def test_activity_status(statuses: list[CommitmentStatus], code: str) -> None:
    items = [
        commitment(f"C{i}", s, "1", delivered_on=date(2026, 5, 1)) for i, s in enumerate(statuses)
    ]
    assert activity_status(items) == code


def test_input_errors() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        export_iati_xml([activity()], IMPACS, datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="country or a region"):
        export_iati_xml([activity(recipient_country=None)], IMPACS, NOW)
    with pytest.raises(ValueError, match="title"):
        export_iati_xml([activity(title="  ")], IMPACS, NOW)
    with pytest.raises(ValueError, match="without spaces"):
        export_iati_xml([activity(id="a b")], IMPACS, NOW)
    with pytest.raises(ValueError, match="accepted_on"):
        export_iati_xml(
            [activity(commitments=(commitment("C", S.ACCEPTED, "1", accepted_on=None),))],
            IMPACS,
            NOW,
        )
    with pytest.raises(ValueError, match="delivered_on"):
        export_iati_xml([activity(commitments=(commitment("C", S.DELIVERED, "1"),))], IMPACS, NOW)
    with pytest.raises(ValueError, match="needs a name"):
        IatiSector("x", vocabulary="99")


def test_validate_reports_errors() -> None:
    root = build_iati_activities([activity()], IMPACS, NOW)
    root.find("iati-activity").remove(root.find("iati-activity/title"))
    errors = validate(root)
    assert errors and any("title" in e for e in errors)
