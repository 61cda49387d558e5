"""Export of plan actions and their commitments as IATI activity XML, version 2.03.

Pure computation (no Django). One Reef action becomes one ``iati-activity``;
its commitments become participating organisations, transactions and a budget.
The mapping is documented in docs/planning.md. The official 2.03 schemas are
shipped in ``iati_schema/`` and ``validate`` checks a document against them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from .rollup import (
    ACTIVE_STATUSES,
    DELIVERED_STATUSES,
    CommitmentStatus,
    Money,
    RateTable,
)

__all__ = [
    "DAC_SECURITY_SYSTEM_MANAGEMENT",
    "IATI_VERSION",
    "SCHEMA_DIR",
    "IatiActivity",
    "IatiCommitment",
    "IatiOrganisation",
    "IatiSector",
    "activity_status",
    "build_iati_activities",
    "export_iati_xml",
    "validate",
]

IATI_VERSION = "2.03"
SCHEMA_DIR = Path(__file__).resolve().parent / "iati_schema"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CENT = Decimal("0.01")

# IATI codelists used below (https://iatistandard.org/en/iati-standard/203/codelists/).
ROLE_FUNDING = "1"
ROLE_ACCOUNTABLE = "2"
ROLE_IMPLEMENTING = "4"
STATUS_PIPELINE = "1"
STATUS_IMPLEMENTATION = "2"
STATUS_FINALISATION = "3"
STATUS_CLOSED = "4"
STATUS_CANCELLED = "5"
DATE_PLANNED_START = "1"
DATE_PLANNED_END = "3"
SCOPE_REGIONAL = "2"
SCOPE_NATIONAL = "4"
TRANSACTION_COMMITMENT = "2"
TRANSACTION_DISBURSEMENT = "3"
BUDGET_ORIGINAL = "1"
BUDGET_INDICATIVE = "1"
SECTOR_VOCAB_DAC5 = "1"
SECTOR_VOCAB_REPORTING_ORG = "99"

# Characters XML 1.0 cannot carry at all; lxml refuses them, so they are dropped.
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class IatiOrganisation:
    ref: str  # IATI organisation identifier, e.g. "XM-DAC-47066" or "XI-IATI-..."
    name: str
    type_code: str  # OrganisationType codelist: 10 government, 40 multilateral, ...


@dataclass(frozen=True, slots=True)
class IatiSector:
    code: str
    vocabulary: str = SECTOR_VOCAB_DAC5
    name: str | None = None  # narrative; required by IATI for vocabularies 98 and 99

    def __post_init__(self) -> None:
        if self.vocabulary in {"98", "99"} and not self.name:
            raise ValueError(f"sector {self.code}: vocabulary {self.vocabulary} needs a name")


# DAC 5-digit purpose code 15210, "Security system management and reform": the
# closest DAC code for national cyber security capacity building.
DAC_SECURITY_SYSTEM_MANAGEMENT = IatiSector("15210")


@dataclass(frozen=True, slots=True)
class IatiCommitment:
    id: str
    funder: IatiOrganisation
    status: CommitmentStatus
    amount: Money | None  # None for an in-kind commitment
    implementer: IatiOrganisation | None = None  # defaults to the funder when absent
    accepted_on: date | None = None  # date the beneficiary accepted it
    delivered_on: date | None = None
    disbursed: Money | None = None  # defaults to the full amount once delivered


@dataclass(frozen=True, slots=True)
class IatiActivity:
    id: str  # Reef's identifier of the action; suffix of the iati-identifier
    title: str
    description: str
    start: date
    end: date
    recipient_country: str | None = None  # ISO 3166-1 alpha-2
    recipient_region: str | None = None  # OECD DAC region code, for regional actions
    sectors: tuple[IatiSector, ...] = (DAC_SECURITY_SYSTEM_MANAGEMENT,)
    commitments: tuple[IatiCommitment, ...] = ()
    beneficiary: IatiOrganisation | None = None  # the beneficiary state's agency
    status_code: str | None = None  # overrides the status derived from commitments
    last_updated: datetime | None = None


def activity_status(commitments: Sequence[IatiCommitment]) -> str:
    """IATI ActivityStatus derived from the statuses of the commitments."""
    live = [c.status for c in commitments if c.status is not CommitmentStatus.WITHDRAWN]
    if not commitments:
        return STATUS_PIPELINE
    if not live:
        return STATUS_CANCELLED
    if any(s in {CommitmentStatus.ACCEPTED, CommitmentStatus.IN_PROGRESS} for s in live):
        return STATUS_IMPLEMENTATION
    if any(s is CommitmentStatus.OFFERED for s in live):
        # Offers only, or offers beside delivered work: still being implemented.
        delivered = any(s in DELIVERED_STATUSES for s in live)
        return STATUS_IMPLEMENTATION if delivered else STATUS_PIPELINE
    if all(s is CommitmentStatus.VERIFIED for s in live):
        return STATUS_CLOSED
    return STATUS_FINALISATION


def _text(value: str) -> str:
    return _XML_INVALID.sub("", value)


def _sub(parent: Any, tag: str, **attrs: str) -> Any:
    return etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})


def _narrative(parent: Any, text: str) -> Any:
    node = _sub(parent, "narrative")
    node.text = _text(text)
    return node


def _amount(value: Decimal) -> str:
    return f"{value.quantize(CENT, rounding=ROUND_HALF_EVEN):f}"


def _value(parent: Any, money: Money, value_date: date) -> None:
    node = _sub(parent, "value", currency=money.currency, value_date=value_date.isoformat())
    node.text = _amount(money.amount)


def _org(parent: Any, tag: str, org: IatiOrganisation, **attrs: str) -> None:
    _narrative(_sub(parent, tag, ref=org.ref, type=org.type_code, **attrs), org.name)


def _published(commitments: Iterable[IatiCommitment]) -> list[IatiCommitment]:
    # Offers are not agreements yet and withdrawn ones never happened: publish neither.
    return [c for c in commitments if c.status in ACTIVE_STATUSES]


def _budget_periods(start: date, end: date) -> list[tuple[date, date]]:
    """Consecutive periods of at most one year (an IATI rule) covering start..end."""
    periods: list[tuple[date, date]] = []
    cursor = start
    while cursor <= end:
        try:
            next_start = cursor.replace(year=cursor.year + 1)
        except ValueError:  # 29 February
            next_start = cursor.replace(year=cursor.year + 1, day=28) + timedelta(days=1)
        period_end = min(end, next_start - timedelta(days=1))
        periods.append((cursor, period_end))
        cursor = period_end + timedelta(days=1)
    return periods


def _budgets(activity: IatiActivity, rates: RateTable | None) -> list[tuple[date, date, Money]]:
    """Indicative budgets: accepted money spread pro rata over periods of a year at most.

    One currency is needed. With commitments in several currencies and no rate
    table, no budget is emitted; the transactions still carry each amount in its
    own currency.
    """
    amounts = [c.amount for c in _published(activity.commitments) if c.amount is not None]
    if not amounts:
        return []
    if rates is not None:
        currency = rates.reporting_currency
        total = sum((rates.convert(m) for m in amounts), Decimal(0))
    elif len({m.currency for m in amounts}) == 1:
        currency = amounts[0].currency
        total = sum((m.amount for m in amounts), Decimal(0))
    else:
        return []
    total = total.quantize(CENT, rounding=ROUND_HALF_EVEN)
    periods = _budget_periods(activity.start, activity.end)
    days = (activity.end - activity.start).days + 1
    budgets: list[tuple[date, date, Money]] = []
    allotted = Decimal(0)
    for index, (p_start, p_end) in enumerate(periods):
        if index == len(periods) - 1:
            share = total - allotted  # the last period absorbs rounding
        else:
            share = (total * ((p_end - p_start).days + 1) / days).quantize(CENT, ROUND_HALF_EVEN)
        allotted += share
        budgets.append((p_start, p_end, Money(share, currency)))
    return budgets


def _participants(
    activity: IatiActivity, reporting_org: IatiOrganisation
) -> list[tuple[str, IatiOrganisation]]:
    published = _published(activity.commitments)
    seen: set[tuple[str, str]] = set()
    result: list[tuple[str, IatiOrganisation]] = []

    def add(role: str, org: IatiOrganisation) -> None:
        if (role, org.ref) not in seen:
            seen.add((role, org.ref))
            result.append((role, org))

    for c in published:
        add(ROLE_FUNDING, c.funder)
    if activity.beneficiary is not None:
        add(ROLE_ACCOUNTABLE, activity.beneficiary)
    for c in published:
        add(ROLE_IMPLEMENTING, c.implementer or c.funder)
    if not result:
        # The schema needs one participating organisation; with nothing agreed yet,
        # the publisher of the plan is the one accountable for it.
        add(ROLE_ACCOUNTABLE, reporting_org)
    return result


def _transactions(activity: IatiActivity) -> list[tuple[str, date, Money, IatiCommitment]]:
    rows: list[tuple[str, date, Money, IatiCommitment]] = []
    for c in _published(activity.commitments):
        if c.amount is None:
            continue  # in-kind: nothing to count in money
        if c.accepted_on is None:
            raise ValueError(f"commitment {c.id} is {c.status.value} but has no accepted_on date")
        rows.append((TRANSACTION_COMMITMENT, c.accepted_on, c.amount, c))
        if c.status in DELIVERED_STATUSES:
            if c.delivered_on is None:
                raise ValueError(f"commitment {c.id} is {c.status.value} but has no delivered_on")
            rows.append((TRANSACTION_DISBURSEMENT, c.delivered_on, c.disbursed or c.amount, c))
    rows.sort(key=lambda r: (r[1], r[0], r[3].id))
    return rows


def _check_activity(activity: IatiActivity) -> None:
    """An id without spaces, a title, dates in order, a recipient country or region."""
    if not activity.id or any(ch.isspace() for ch in activity.id):
        raise ValueError(f"activity id must be non-empty without spaces, got {activity.id!r}")
    if not activity.title.strip():
        raise ValueError(f"activity {activity.id}: title is empty")
    if activity.end < activity.start:
        raise ValueError(f"activity {activity.id}: end is before start")
    if (activity.recipient_country is None) == (activity.recipient_region is None):
        raise ValueError(f"activity {activity.id}: give a recipient country or a region, not both")


# The activity's elements in the order the IATI schema requires; read top to bottom.
def _activity(
    root: Any,
    activity: IatiActivity,
    reporting_org: IatiOrganisation,
    rates: RateTable | None,
    lang: str,
) -> None:
    _check_activity(activity)
    budgets = _budgets(activity, rates)
    node = _sub(root, "iati-activity")
    node.set(XML_LANG, lang)
    if budgets:
        node.set("default-currency", budgets[0][2].currency)
    if activity.last_updated is not None:
        node.set("last-updated-datetime", _datetime(activity.last_updated))

    _sub(node, "iati-identifier").text = f"{reporting_org.ref}-{activity.id}"
    _org(node, "reporting-org", reporting_org)
    _narrative(_sub(node, "title"), activity.title)
    _narrative(_sub(node, "description", type="1"), activity.description or activity.title)
    for role, org in _participants(activity, reporting_org):
        _org(node, "participating-org", org, role=role)
    _sub(
        node, "activity-status", code=activity.status_code or activity_status(activity.commitments)
    )
    _sub(node, "activity-date", type=DATE_PLANNED_START, iso_date=activity.start.isoformat())
    _sub(node, "activity-date", type=DATE_PLANNED_END, iso_date=activity.end.isoformat())
    if activity.recipient_country is not None:
        _sub(node, "activity-scope", code=SCOPE_NATIONAL)
        _sub(node, "recipient-country", code=activity.recipient_country.upper())
    else:
        _sub(node, "activity-scope", code=SCOPE_REGIONAL)
        _sub(node, "recipient-region", code=str(activity.recipient_region), vocabulary="1")
    for sector in activity.sectors:
        sector_node = _sub(node, "sector", vocabulary=sector.vocabulary, code=sector.code)
        if sector.name:
            _narrative(sector_node, sector.name)
    for p_start, p_end, money in budgets:
        budget = _sub(node, "budget", type=BUDGET_ORIGINAL, status=BUDGET_INDICATIVE)
        _sub(budget, "period-start", iso_date=p_start.isoformat())
        _sub(budget, "period-end", iso_date=p_end.isoformat())
        _value(budget, money, p_start)
    for type_code, when, money, commitment in _transactions(activity):
        suffix = "commitment" if type_code == TRANSACTION_COMMITMENT else "disbursement"
        transaction = _sub(node, "transaction", ref=f"{commitment.id}-{suffix}")
        _sub(transaction, "transaction-type", code=type_code)
        _sub(transaction, "transaction-date", iso_date=when.isoformat())
        _value(transaction, money, when)
        _org(transaction, "provider-org", commitment.funder)
        # The money goes to whoever implements, else to the beneficiary state.
        receiver = commitment.implementer or activity.beneficiary
        if receiver is not None:
            _org(transaction, "receiver-org", receiver)


def _datetime(value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetimes in IATI output must be timezone-aware")
    return value.isoformat(timespec="seconds")


def build_iati_activities(
    activities: Iterable[IatiActivity],
    reporting_org: IatiOrganisation,
    generated_at: datetime,
    *,
    lang: str = "en",
    rates: RateTable | None = None,
) -> Any:
    """The ``iati-activities`` element (an lxml element) for the given actions.

    ``rates`` converts budgets to one currency when commitments use several.
    """
    items = list(activities)
    if not items:
        # The 2.03 schema requires at least one iati-activity in a file.
        raise ValueError("an IATI activity file needs at least one activity")
    root = etree.Element(
        "iati-activities", {"version": IATI_VERSION, "generated-datetime": _datetime(generated_at)}
    )
    for activity in items:
        _activity(root, activity, reporting_org, rates, lang)
    return root


def export_iati_xml(
    activities: Iterable[IatiActivity],
    reporting_org: IatiOrganisation,
    generated_at: datetime,
    *,
    lang: str = "en",
    rates: RateTable | None = None,
) -> bytes:
    """UTF-8 encoded IATI 2.03 activity XML, with declaration, indented."""
    root = build_iati_activities(activities, reporting_org, generated_at, lang=lang, rates=rates)
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return result


@cache
def _schema() -> Any:
    # no_network: the imports resolve to the files beside the schema, never the web.
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    document = etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd"), parser)
    return etree.XMLSchema(document)


def validate(document: bytes | Any) -> list[str]:
    """Schema errors of an IATI activity document (bytes or lxml element); empty if valid."""
    if isinstance(document, bytes):
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        document = etree.fromstring(document, parser)
    schema = _schema()
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
