from __future__ import annotations

from typing import Any

from reef.core.tests.routes import Sample, only
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation, OrganisationKind


def samples(users: dict[str, Any]) -> dict[str, Sample]:
    hidden = Organisation.objects.create(
        slug="gd-hidden-unit",
        name="Grenada restricted unit",
        kind=OrganisationKind.GOVERNMENT,
        country=Country.objects.get(code="GD"),
        owner_country=Country.objects.get(code="GD"),
        tlp=TLP.AMBER_STRICT,
    )
    return {
        "directory:country_detail": Sample(kwargs={"code": "GD"}),
        "directory:grouping_detail": Sample(kwargs={"slug": "caricom"}),
        "directory:organisation_detail": Sample(
            kwargs={"slug": hidden.slug}, expect=only(["focal_point"])
        ),
        "directory:organisation_create": Sample(expect=only(["admin"], anonymous=302)),
        "directory:consortium_members": Sample(
            kwargs={"slug": "cci"}, expect=only(["admin"], anonymous=302)
        ),
        "directory:consortium_member": Sample(
            kwargs={"slug": "cci"},
            method="post",
            data={"organisation": "uwi", "member": "1"},
            expect=only(["admin"], ok=302, anonymous=302),
        ),
    }
