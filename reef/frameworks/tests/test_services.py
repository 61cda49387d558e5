from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any, Literal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import DEMO
from reef.frameworks import formats, selectors, services
from reef.frameworks.models import Framework, Indicator

EXAMPLES = formats.SHIPPED_DIR.parent / "examples"
pytestmark = pytest.mark.django_db


def _broken(tmp_path: Path) -> Path:
    data = json.loads((EXAMPLES / "staged-example.json").read_text())
    data["dimensions"][0]["factors"][0]["aspects"][1]["indicators"][0]["stage"] = 7
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    return path


def test_import_shipped_stores_document_and_indicator_rows(world: None) -> None:
    fw = services.framework_import(actor=DEMO, source=formats.SHIPPED_DIR / "reef-cmm.json")
    assert (fw.slug, fw.release, fw.kind) == ("reef-cmm", "1.0", "staged")
    assert fw.indicators.count() == 696
    ind = Indicator.objects.get(framework=fw, key="1.1.a.3.1")
    assert (ind.stage, ind.aspect_key, ind.factor_key, ind.dimension_key) == (
        3,
        "1.1.a",
        "1.1",
        "D1",
    )
    direct = Indicator.objects.get(framework=fw, key="2.4.2.1")
    assert direct.aspect_key == "2.4" and direct.factor_key == "2.4"
    assert list(fw.indicators.order_by("position").values_list("key", flat=True)) == [
        i.key for i in formats.load_shipped("reef-cmm").indicators
    ]


def test_import_scored_keeps_points_and_weights(world: None) -> None:
    fw = services.framework_import(actor=DEMO, source=EXAMPLES / "scored-example.json")
    ind = Indicator.objects.get(framework=fw, key="legal.1")
    assert ind.pillar_key == "legal" and ind.points is not None and ind.weight is not None


def test_bad_file_names_file_path_and_problem_and_changes_nothing(
    world: None, tmp_path: Path
) -> None:
    before = (Framework.objects.count(), Indicator.objects.count())
    with pytest.raises(ServiceError) as err:
        services.framework_import(actor=DEMO, source=_broken(tmp_path))
    assert (
        "broken.json: dimensions[0].factors[0].aspects[1].indicators[0].stage" in err.value.message
    )
    assert "2 to 5" in err.value.message
    assert (Framework.objects.count(), Indicator.objects.count()) == before


def test_invalid_json_and_yaml_are_refused(world: None) -> None:
    with pytest.raises(ServiceError, match=r"x\.json: invalid JSON at line 1"):
        services.framework_import(actor=DEMO, source=b"{nope", filename="x.json")
    with pytest.raises(ServiceError, match=r"x\.yaml"):
        services.framework_import(actor=DEMO, source=b"slug: [", filename="x.yaml")
    assert not Framework.objects.exists()


def test_same_version_twice_is_refused(world: None) -> None:
    services.framework_import(actor=DEMO, source=EXAMPLES / "staged-example.json")
    with pytest.raises(ServiceError, match="already exists"):
        services.framework_import(actor=DEMO, source=EXAMPLES / "staged-example.yaml")
    assert Framework.objects.count() == 1


def test_only_coordinators_staff_or_the_cli_operator_import(users: dict[str, Any]) -> None:
    for who in ("public", "focal_point", "expert"):
        with pytest.raises(PermissionDenied):
            services.framework_import(actor=users[who], source=EXAMPLES / "staged-example.json")
    fw = services.framework_import(
        actor=users["coordinator"], source=EXAMPLES / "staged-example.json"
    )
    assert fw.imported_by == users["coordinator"]


def test_export_round_trip_loses_nothing(world: None) -> None:
    for name in ("staged-example.json", "scored-example.json"):
        original = formats.load(EXAMPLES / name)
        fw = services.framework_import(actor=DEMO, source=EXAMPLES / name)
        formats_: tuple[Literal["json", "yaml"], ...] = ("json", "yaml")
        for fmt in formats_:
            text = services.framework_export(framework=fw, fmt=fmt)
            again = formats.load(text, f"export.{fmt}")
            assert formats.to_data(again) == formats.to_data(original)


def test_cli_import_and_export(world: None, tmp_path: Path) -> None:
    out = StringIO()
    call_command("framework", "import", str(EXAMPLES / "staged-example.yaml"), stdout=out)
    assert "Imported example-staged@0.1" in out.getvalue()
    out = StringIO()
    call_command("framework", "export", "example-staged@0.1", stdout=out)
    assert json.loads(out.getvalue())["slug"] == "example-staged"
    target = tmp_path / "out.yaml"
    call_command("framework", "export", "example-staged", "--format", "yaml", "-o", str(target))
    assert formats.load(target).slug == "example-staged"
    with pytest.raises(CommandError, match="Not found"):
        call_command("framework", "export", "example-staged@9.9")
    with pytest.raises(CommandError, match=r"broken\.json: dimensions\[0\]"):
        call_command("framework", "import", str(_broken(tmp_path)))
    with pytest.raises(CommandError, match="no such file"):
        call_command("framework", "import", str(tmp_path / "missing.json"))
    assert Framework.objects.count() == 1


def test_selector_latest_version_and_by_ref(world: None) -> None:
    fw = services.framework_import(actor=DEMO, source=EXAMPLES / "staged-example.json")
    data = json.loads((EXAMPLES / "staged-example.json").read_text())
    data["version"] = "0.2"
    newer = services.framework_import(
        actor=DEMO, source=json.dumps(data).encode(), filename="v2.json"
    )
    assert selectors.framework_get(None, "example-staged") == newer
    assert selectors.framework_by_ref(None, "example-staged@0.1") == fw
    assert selectors.parsed(fw).version == "0.1"


def test_pages_and_api(world: None, clients: dict[str, Any]) -> None:
    services.framework_import(actor=DEMO, source=EXAMPLES / "staged-example.json")
    anonymous = clients["anonymous"]
    page = anonymous.get("/frameworks/")
    assert page.status_code == 200 and b"Small staged example" in page.content
    detail = anonymous.get("/frameworks/example-staged/0.1/")
    assert detail.status_code == 200 and b"P.1.a.2.1" in detail.content
    assert anonymous.get("/frameworks/example-staged/9.9/").status_code == 404
    download = anonymous.get("/frameworks/example-staged/0.1/download/?format=yaml")
    assert formats.load(download.content, "x.yaml").slug == "example-staged"
    listing = anonymous.get("/api/v1/frameworks").json()
    assert listing == [
        {
            "slug": "example-staged",
            "version": "0.1",
            "name": "Small staged example",
            "kind": "staged",
            "tlp": "TLP:CLEAR",
            "indicators": 13,
        }
    ]
    one = anonymous.get("/api/v1/frameworks/example-staged?version=0.1").json()
    assert one["document"]["dimensions"][0]["key"] == "P"
    assert anonymous.get("/api/v1/frameworks/nope").status_code == 404


def test_hidden_framework_is_404(users: dict[str, Any], clients: dict[str, Any]) -> None:
    from reef.core.tlp import TLP
    from reef.directory.models import Country

    fw = services.framework_import(
        actor=DEMO, source=EXAMPLES / "staged-example.json", tlp=TLP.AMBER
    )
    Framework.objects.filter(pk=fw.pk).update(owner_country=Country.objects.get(code="GD"))
    assert clients["focal_point"].get("/frameworks/example-staged/0.1/").status_code == 200
    assert clients["outsider"].get("/frameworks/example-staged/0.1/").status_code == 404
    assert clients["outsider"].get("/api/v1/frameworks/example-staged").status_code == 404
