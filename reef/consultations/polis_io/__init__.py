"""Read and write Polis conversation exports (comments.csv, votes.csv, participants-votes.csv).

Pure Python + NumPy (+ pyarrow's CSV reader when installed), no Django. Votes are kept columnar
(NumPy arrays plus id tables) because real conversations reach a million votes and one Python
object per vote would cost ~200 MB.

votes.csv is read by pyarrow's columnar reader; whenever that reader rejects the file or a value
looks off, the careful pure-Python reader reads it again, so answers and line/column errors are
those of the careful reader.

IDs are kept exactly as they appear: a decimal integer without leading zeros becomes an ``int``,
anything else stays a ``str``; the writers emit them back unchanged.

Modules: ``records`` (what an export holds), ``errors`` (`PolisFormatError`), ``rows`` (CSV
rows and shared checks), ``comments``, ``votes`` (careful reader) and ``votes_arrow`` (fast
reader), ``participants``, ``folder`` (`read_export`) and ``writing``. Every name is
importable from here, as when this was one module.
"""

from __future__ import annotations

from reef.consultations.polis_io.comments import read_comments
from reef.consultations.polis_io.errors import PolisFormatError, gettext_noop
from reef.consultations.polis_io.folder import read_export
from reef.consultations.polis_io.participants import (
    _participant_groups_arrow,
    read_participant_groups,
    read_participants,
)
from reef.consultations.polis_io.records import (
    COMMENT_HEADER,
    COMMENTS_FILE,
    PARTICIPANT_PREFIX,
    PARTICIPANTS_FILE,
    VOTE_HEADER,
    VOTES_FILE,
    Comment,
    ParticipantRecord,
    PolisExport,
    PolisId,
    VoteLog,
    parse_id,
    votes_from_participants,
)
from reef.consultations.polis_io.votes import read_votes, read_votes_careful
from reef.consultations.polis_io.votes_arrow import _read_votes_arrow, _scan
from reef.consultations.polis_io.writing import (
    participants_from_votes,
    write_comments,
    write_export,
    write_participants,
    write_votes,
)

__all__ = [
    "COMMENTS_FILE",
    "COMMENT_HEADER",
    "PARTICIPANTS_FILE",
    "PARTICIPANT_PREFIX",
    "VOTES_FILE",
    "VOTE_HEADER",
    "Comment",
    "ParticipantRecord",
    "PolisExport",
    "PolisFormatError",
    "PolisId",
    "VoteLog",
    "_participant_groups_arrow",
    "_read_votes_arrow",
    "_scan",
    "gettext_noop",
    "parse_id",
    "participants_from_votes",
    "read_comments",
    "read_export",
    "read_participant_groups",
    "read_participants",
    "read_votes",
    "read_votes_careful",
    "votes_from_participants",
    "write_comments",
    "write_export",
    "write_participants",
    "write_votes",
]
