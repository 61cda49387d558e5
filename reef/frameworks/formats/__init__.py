"""Frameworks as data: load, validate, normalise and dump.

Pure Python (no Django import) so it can run in the CLI, in workers and in tests
without settings. A framework file is JSON or YAML; the format is documented by
``schema/framework.schema.json`` (JSON Schema draft 2020-12) and in
``docs/frameworks.md``.

Two kinds:

* ``staged``: dimensions > factors > aspects > indicators, each indicator
  attached to one stage 2..5. A factor may carry ``indicators`` directly; it is
  then treated as a single aspect whose key is the factor's key.
* ``scored``: pillars of weighted indicators, and tiers read from cut-offs.

Validation is the JSON Schema plus semantic checks (unique keys, stages 1..5,
tier order, ...). Every problem is reported as ``file: path: message``, e.g.
``reef-cmm.json: dimensions[2].factors[0].aspects[1].indicators[3].stage: must be
an integer from 2 to 5``. Fields the format does not name are kept in ``extra``
and written back by :func:`dump`, so a round trip loses nothi

One module per step: model (the dataclasses), validation, parsing, reading (files and the
shipped frameworks), writing, translation; every name is importable from here.
"""

from __future__ import annotations

from reef.core.validation import Problem
from reef.frameworks.formats.model import (
    INDICATOR_STAGES,
    STAGE_LEVELS,
    Aspect,
    Dimension,
    Factor,
    Framework,
    Indicator,
    Kind,
    Pillar,
    Stage,
    Tier,
)
from reef.frameworks.formats.parsing import parse
from reef.frameworks.formats.reading import SHIPPED_DIR, load, load_shipped, shipped_slugs
from reef.frameworks.formats.translation import (
    Element,
    element,
    localized,
    translated,
)
from reef.frameworks.formats.translation import _translation as _translation
from reef.frameworks.formats.validation import (
    SCHEMA_PATH,
    FrameworkFormatError,
    schema,
    validate,
)
from reef.frameworks.formats.validation import _without_translations as _without_translations
from reef.frameworks.formats.writing import dump, to_data

__all__ = [
    "INDICATOR_STAGES",
    "SCHEMA_PATH",
    "SHIPPED_DIR",
    "STAGE_LEVELS",
    "Aspect",
    "Dimension",
    "Element",
    "Factor",
    "Framework",
    "FrameworkFormatError",
    "Indicator",
    "Kind",
    "Pillar",
    "Problem",
    "Stage",
    "Tier",
    "dump",
    "element",
    "load",
    "load_shipped",
    "localized",
    "parse",
    "schema",
    "shipped_slugs",
    "to_data",
    "translated",
    "validate",
]
