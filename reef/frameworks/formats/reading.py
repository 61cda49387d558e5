"""Reading a framework file (JSON or YAML, bounded) and the frameworks shipped with Reef."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from reef.core import safeload
from reef.frameworks.formats.model import Framework
from reef.frameworks.formats.parsing import parse
from reef.frameworks.formats.validation import FrameworkFormatError

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "shipped"


def _detect_format(text: str, filename: str) -> Literal["json", "yaml"]:
    lower = filename.lower()
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    # No telling extension: JSON documents start with an object.
    return "json" if text.lstrip().startswith("{") else "yaml"


def _read_text(text: str, filename: str) -> Any:
    # Bounded before anything is built: size, depth, nodes, YAML aliases, numbers.
    try:
        return safeload.load_text(text, _detect_format(text, filename), unique_keys=True)
    except safeload.LoadError as exc:
        raise FrameworkFormatError(filename, "", exc.message) from exc


def load(source: str | bytes | Path, filename: str | None = None) -> Framework:
    """Read and validate a framework.

    ``source`` is a path (a :class:`~pathlib.Path`, or a one-line ``str`` naming
    an existing file) or the document itself as ``str``/``bytes``. ``filename``
    names the document in error messages and picks the format by extension
    (``.json``, ``.yaml``/``.yml``); without one, text starting with ``{`` is
    read as JSON, anything else as YAML.
    """
    # A framework document is never a single line, so a one-line string that
    # names a file can only be a path.
    if isinstance(source, str) and "\n" not in source and not source.lstrip().startswith("{"):
        candidate = Path(source)
        if candidate.is_file():
            source = candidate
    if isinstance(source, Path):
        name = filename or source.name
        try:
            if source.stat().st_size > safeload.DEFAULT_LIMITS.max_bytes:
                raise FrameworkFormatError(
                    name, "", f"too large (at most {safeload.DEFAULT_LIMITS.max_bytes} bytes)"
                )
            raw = source.read_bytes()
        except OSError as exc:
            raise FrameworkFormatError(name, "", f"cannot read file: {exc.strerror}") from exc
    else:
        name = filename or "<text>"
        raw = source.encode() if isinstance(source, str) else source
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FrameworkFormatError(name, "", f"not UTF-8 text (byte {exc.start})") from exc
    return parse(_read_text(text, name), name)


def shipped_slugs() -> list[str]:
    """Slugs of the frameworks shipped with Reef."""
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.json"))


def load_shipped(slug: str) -> Framework:
    """Load a framework shipped with Reef (``reef-cmm``, ``reef-index``)."""
    path = SHIPPED_DIR / f"{slug}.json"
    if not path.is_file():
        raise KeyError(f"no shipped framework {slug!r}; have {shipped_slugs()}")
    return load(path)
