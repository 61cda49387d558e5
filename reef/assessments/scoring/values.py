"""Rating values, their codes in the engine's arrays, and the engine's error."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import numpy.typing as npt

RATING_VALUES = ("met", "partial", "not_met", "na", "unknown")
CONSOLIDATED_VALUES = (*RATING_VALUES, "disputed")

# Codes follow RATING_VALUES; the first four are the "known" values counted
# towards a majority.
MET, PARTIAL, NOT_MET, NA, UNKNOWN, DISPUTED = range(6)
_CODE = {v: i for i, v in enumerate(CONSOLIDATED_VALUES)}
_N_KNOWN = 4
# Credit an indicator's consolidated value earns towards progress and scores.
_CREDIT = np.array([1.0, 0.5, 0.0, 1.0, 0.0, 0.0])
# Stage slots 0..5 so an indicator's stage can index directly.
_SLOTS = 6

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Rating = tuple[str, Hashable, str]


def gettext_noop(message: str) -> str:
    """Marks a message for the translation catalogue; the Django layer translates it."""
    return message


class ScoringError(ValueError):
    """Ratings, decisions or targets that do not fit the framework.

    ``str(error)`` is the English text; ``template`` and ``params`` let the Django layer
    translate it (``gettext(error.template) % error.params``) when ``params`` is given.
    """

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.template = message
        self.params = params
