"""Property-based fuzzing of the assessment and Polis importers: only clear errors, and
nothing changed when an import fails."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reef.core.errors import ServiceError

ROOT = Path(__file__).resolve().parents[2]
LONDON = ROOT / "consultations" / "tests" / "data" / "polis" / "london.youth.policing"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
assessment_like = st.fixed_dictionaries(
    {},
    optional={
        "framework": st.sampled_from(["reef-cmm@1.0", "reef-cmm", "nope@1", ""]) | json_values,
        "country": st.sampled_from(["GD", "ZZ", "gd", ""]) | json_values,
        "cycle": st.text(max_size=10) | json_values,
        "tlp": st.sampled_from(["TLP:AMBER", "TLP:PURPLE"]) | json_values,
        "assessors": st.lists(
            st.fixed_dictionaries({"id": st.text(max_size=5), "name": st.text(max_size=10)}),
            max_size=3,
        )
        | json_values,
        "ratings": st.lists(
            st.fixed_dictionaries(
                {
                    "indicator": st.sampled_from(["1.1.a.2.1", "x"]) | st.text(max_size=8),
                    "assessor": st.text(max_size=5),
                    "value": st.sampled_from(
                        ["met", "partial", "not_met", "na", "unknown", "maybe"]
                    ),
                }
            ),
            max_size=4,
        )
        | json_values,
        "targets": st.lists(
            st.fixed_dictionaries({"aspect": st.text(max_size=8), "stage": json_values}),
            max_size=3,
        )
        | json_values,
    },
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=assessment_like | json_values)
def test_assessment_import_raises_only_clear_errors(world: None, data: Any) -> None:
    from reef.assessments.models import Assessment, Rating
    from reef.assessments.services import assessment_import_text
    from reef.core.rules import OPERATOR_IMPORT

    before = (Assessment.objects.count(), Rating.objects.count())
    try:
        assessment_import_text(actor=OPERATOR_IMPORT, text=json.dumps(data), filename="fuzz.json")
    except ServiceError as exc:
        assert exc.message.startswith("fuzz.json")
        assert (Assessment.objects.count(), Rating.objects.count()) == before


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    comments=st.text(max_size=300),
    votes=st.text(max_size=300),
    keep_header=st.booleans(),
)
def test_polis_reader_raises_only_format_errors(
    tmp_path_factory: pytest.TempPathFactory, comments: str, votes: str, keep_header: bool
) -> None:
    from reef.consultations.polis_io import PolisFormatError, read_export

    folder = tmp_path_factory.mktemp("polis")
    head_c = (LONDON / "comments.csv").read_text().splitlines()[0] + "\n" if keep_header else ""
    head_v = (LONDON / "votes.csv").read_text().splitlines()[0] + "\n" if keep_header else ""
    (folder / "comments.csv").write_text(head_c + comments)
    (folder / "votes.csv").write_text(head_v + votes)
    with contextlib.suppress(PolisFormatError):
        read_export(folder)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(votes=st.text(max_size=200))
def test_polis_import_service_changes_nothing_on_failure(
    users: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, votes: str
) -> None:
    from reef.consultations.models import Consultation
    from reef.consultations.services import consultation_import_polis
    from reef.directory.models import Organisation

    folder = tmp_path_factory.mktemp("polis-svc")
    (folder / "comments.csv").write_text((LONDON / "comments.csv").read_text())
    header = (LONDON / "votes.csv").read_text().splitlines()[0]
    (folder / "votes.csv").write_text(header + "\n" + votes)
    before = Consultation.objects.count()
    try:
        consultation_import_polis(
            actor=users["coordinator"],
            folder=folder,
            title="Fuzzed import",
            owner_organisation=Organisation.objects.get(slug="caricom-impacs"),
        )
    except ServiceError:
        assert Consultation.objects.count() == before
