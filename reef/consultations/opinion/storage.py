"""The analysis state as bytes (an ``np.savez`` archive, never pickle) and back."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from typing import Any

import numpy as np
import numpy.typing as npt

from reef.consultations.opinion.matrix import OpinionState, Params

#: Version of the byte format written by `state_to_bytes`.
STATE_FORMAT = 1
_DERIVED = ("pindex", "cindex")  # rebuilt from the id lists


def _json_scalar(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in an opinion state")


def state_to_bytes(state: OpinionState) -> bytes:
    """The state as an ``np.savez`` archive: arrays as arrays, the rest as one JSON entry.

    No pickle anywhere (loading a pickle runs code), so it is safe to keep in a database.
    """
    arrays: dict[str, npt.NDArray[Any]] = {}
    plain: dict[str, Any] = {"format": STATE_FORMAT}
    for f in dataclasses.fields(state):
        value = getattr(state, f.name)
        if f.name in _DERIVED:
            continue
        if isinstance(value, np.ndarray):
            arrays[f.name] = value
        elif isinstance(value, Params):
            plain[f.name] = dataclasses.asdict(value)
        else:
            plain[f.name] = value
    text = json.dumps(plain, default=_json_scalar)
    arrays["_plain"] = np.frombuffer(text.encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def state_from_bytes(data: bytes) -> OpinionState:
    """The state written by `state_to_bytes`; ValueError when the bytes are not one."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        plain = json.loads(arrays.pop("_plain").tobytes().decode())
    except (OSError, KeyError, EOFError, zipfile.BadZipFile, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"not an opinion state: {exc}") from None
    if not isinstance(plain, dict) or plain.pop("format", None) != STATE_FORMAT:
        raise ValueError("opinion state of another format")
    try:
        plain["params"] = Params(**plain["params"])
        state = OpinionState(**plain, **arrays, pindex={}, cindex={})
    except (KeyError, TypeError) as exc:
        raise ValueError(f"opinion state with other fields: {exc}") from None
    state.pindex = {x: i for i, x in enumerate(state.participant_ids)}
    state.cindex = {x: i for i, x in enumerate(state.comment_ids)}
    return state
