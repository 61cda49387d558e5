from __future__ import annotations

from typing import Any

from reef.assessments.tests.helpers import example_framework
from reef.core.tests.routes import Sample


def samples(users: dict[str, Any]) -> dict[str, Sample]:
    fw = example_framework("staged")
    kwargs = {"slug": fw.slug, "version": fw.release}
    return {
        "frameworks:framework_detail": Sample(kwargs=kwargs),
        "frameworks:framework_download": Sample(kwargs=kwargs),
    }
