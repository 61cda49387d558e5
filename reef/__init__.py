"""Reef: building national and regional cyber security capacity."""

import sys

# jsonschema imports rfc3987_syntax when it is installed (the SBOM tool's dependencies
# bring it) for its "iri" format check, and that module builds a grammar as it is
# imported: 0.5 to 3 s added to every command that validates a file. Reef's schemas use
# no "iri" format and its validators check no formats, so the check is not needed;
# jsonschema skips it when the import fails. An already imported module is left alone.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
