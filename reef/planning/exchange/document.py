"""What a plan file is: its format, its schema, its error, and the checks before any write.

The shape of a plan document is ``reef/planning/schema/plan.schema.json``, checked by
:mod:`reef.core.validation`; what a schema cannot say (a date the calendar has, a country
or organisation Reef knows, a national plan) is checked here and reported the same way.
Every problem of the file is listed at once, and nothing is written while there is one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from django.utils.translation import gettext as _

from reef.core.errors import ServiceError
from reef.core.validation import ImportFileError, Problem, path_str, schema_problems
from reef.directory.models import Country, Organisation
from reef.planning.models import Plan

FORMAT = "reef-plan"
VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "plan.schema.json"
#: What a plan document is called in messages when it came without a file name (the API).
UNNAMED = "plan file"

#: The sustainability flags of an action, as the export writes them.
BOOLS = (
    "is_training",
    "train_the_trainer",
    "curriculum_integration",
    "local_ownership",
    "post_donor_funding",
)


class PlanFileError(ImportFileError, ServiceError):
    """A plan file that could not be read or is not a valid plan; nothing was written.

    An :class:`ImportFileError` (``file``, ``path``, ``problems``) and a
    :class:`ServiceError`, so pages, the API and the CLI refuse it as any other request:
    ``message`` is what the user is shown (every problem, one a line, as ``str()``),
    ``field`` the path of the first problem (``"file"`` when it is the whole file) and
    ``code`` ``"invalid"``. The first problem's own words are ``problems[0].message``.
    """

    def __init__(
        self, file: str, path: str, message: str, problems: Sequence[Problem] = ()
    ) -> None:
        ImportFileError.__init__(self, file, path, message, problems)
        self.message = "\n".join(str(p) for p in self.problems)
        self.field = path or "file"
        self.code = "invalid"


def refuse(file: str, path: str, message: str) -> PlanFileError:
    """The error of a file with one problem."""
    return PlanFileError(file, path, message)


def check_plan_shape(data: Any, filename: str = UNNAMED) -> None:
    """Refuse a plan document that does not follow the schema, listing every problem."""
    problems = schema_problems(data, SCHEMA_PATH, filename)
    if problems:
        raise PlanFileError.from_problems(problems)


# ---------------------------------------------------------------- values of a checked file
# The schema has checked each value's kind; these turn them into what the services take.


def whole(value: Any, default: int) -> int:
    """A whole number of the file ("3" or 3); absent or empty: ``default``."""
    if value is None or value == "":
        return default
    return int(value.strip()) if isinstance(value, str) else int(value)


def day(value: Any) -> date | None:
    """A date of the file (YYYY-MM-DD, its calendar checked by :func:`read_plan`)."""
    return date.fromisoformat(value) if value else None


def required_day(value: Any) -> date:
    """A date the schema requires (an action's start and end, a milestone's due date)."""
    return date.fromisoformat(value)


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "y"}


def text(value: Any, default: str = "") -> str:
    return str(value or default)


def obj(value: Any) -> dict[str, Any]:
    """An object of the file; absent: empty."""
    return cast(dict[str, Any], value or {})


def objs(value: Any) -> list[dict[str, Any]]:
    """A list of objects of the file; absent: empty."""
    return cast(list[dict[str, Any]], value or [])


# -------------------------------------------------------------------------- the whole file


@dataclass(frozen=True)
class PlanDocument:
    """A plan file that passed every check: what :func:`plan_import` writes from."""

    data: dict[str, Any]
    country: Country
    organisations: dict[str, Organisation]

    @property
    def meta(self) -> dict[str, Any]:
        return obj(self.data.get("plan"))

    def ranked_needs(self) -> list[dict[str, Any]]:
        """The needs in the file's priority order (the file's order among equals)."""
        return sorted(objs(self.data.get("needs")), key=lambda n: whole(n.get("priority"), 0))


def _format_problems(data: Any, filename: str) -> list[Problem]:
    # Said first and in the user's language: the usual mistake is another file altogether.
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        message = _("Not a Reef plan file (format must be %(format)s).") % {"format": repr(FORMAT)}
        return [Problem(filename, "format", message)]
    if data.get("version") != VERSION:
        message = _("Unsupported plan file version %(value)s.") % {
            "value": repr(data.get("version"))
        }
        return [Problem(filename, "version", message)]
    return []


def _actions(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, action) for every action of the file."""
    for n, need in enumerate(objs(data.get("needs"))):
        for a, action in enumerate(objs(need.get("actions"))):
            yield f"needs[{n}].actions[{a}]", action


def _dates(data: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(path, value) for every date the importer reads."""
    meta = obj(data.get("plan"))
    for key in ("start", "end"):
        yield path_str(["plan", key]), meta.get(key)
    for path, action in _actions(data):
        yield f"{path}.start", action.get("start")
        yield f"{path}.end", action.get("end")
        for m, milestone in enumerate(objs(action.get("milestones"))):
            yield f"{path}.milestones[{m}].due", milestone.get("due")
    for r, risk in enumerate(objs(data.get("risks"))):
        yield f"risks[{r}].review_on", risk.get("review_on")


def _calendar_problems(data: dict[str, Any], filename: str) -> list[Problem]:
    problems = []
    for path, value in _dates(data):
        try:
            day(value)
        except ValueError:
            problems.append(Problem(filename, path, "is not a date in the calendar (YYYY-MM-DD)"))
    return problems


def _organisations(
    data: dict[str, Any], filename: str, problems: list[Problem]
) -> dict[str, Organisation]:
    """The lead organisations the file names, by slug; unknown ones become problems."""
    wanted = {
        path: str(a["lead_organisation"])
        for path, a in _actions(data)
        if a.get("lead_organisation")
    }
    found = {o.slug: o for o in Organisation.objects.filter(slug__in=set(wanted.values()))}
    for path, slug in wanted.items():
        if slug not in found:
            message = _("Unknown organisation %(value)s.") % {"value": repr(slug)}
            problems.append(Problem(filename, f"{path}.lead_organisation", message))
    return found


def read_plan(data: Any, filename: str = UNNAMED) -> PlanDocument:
    """Check a plan document entirely (format, schema, then dates, country, organisations)
    and return it with the records it names; raise :class:`PlanFileError` listing every
    problem otherwise."""
    problems = _format_problems(data, filename)
    if problems:
        raise PlanFileError.from_problems(problems)
    check_plan_shape(data, filename)
    problems = _calendar_problems(data, filename)
    meta = obj(data.get("plan"))
    if (meta.get("kind") or Plan.Kind.NATIONAL) != Plan.Kind.NATIONAL:
        problems.append(Problem(filename, "plan.kind", _("Only national plans can be imported.")))
    code = text(meta.get("country")).upper()
    country = Country.objects.filter(code=code).first() if code else None
    if country is None:
        message = _("Unknown country %(value)s.") % {"value": repr(meta.get("country"))}
        problems.append(Problem(filename, "plan.country", message))
    organisations = _organisations(data, filename, problems)
    if problems or country is None:
        raise PlanFileError.from_problems(problems)
    return PlanDocument(data=data, country=country, organisations=organisations)
