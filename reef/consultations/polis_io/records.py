"""What a Polis export holds: its files, comments, the vote log, participants."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

PolisId = int | str

COMMENTS_FILE = "comments.csv"
VOTES_FILE = "votes.csv"
PARTICIPANTS_FILE = "participants-votes.csv"

COMMENT_HEADER = [
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
]
VOTE_HEADER = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
PARTICIPANT_PREFIX = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
_VALID_VOTES = {"1": 1, "-1": -1, "0": 0}


def parse_id(text: str) -> PolisId:
    """An id as written: canonical decimal integers become int, everything else stays str."""
    body = text[1:] if text.startswith("-") else text
    if body.isdigit() and body.isascii() and (text == "0" or not body.startswith("0")):
        return int(text)
    return text


@dataclass(frozen=True)
class Comment:
    id: PolisId
    author_id: PolisId | None
    timestamp: int | None
    datetime: str
    agrees: int
    disagrees: int
    moderated: int
    body: str


@dataclass
class VoteLog:
    """The votes.csv event log, columnar. ``voter_idx``/``comment_idx`` index the id tables."""

    timestamp: npt.NDArray[np.int64]
    voter_idx: npt.NDArray[np.int32]
    comment_idx: npt.NDArray[np.int32]
    vote: npt.NDArray[np.int8]
    voter_ids: list[PolisId]
    comment_ids: list[PolisId]
    datetime: list[str] | None = None

    def __len__(self) -> int:
        return int(self.vote.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, VoteLog):
            return NotImplemented
        return list(self.records()) == list(other.records())

    __hash__ = None  # type: ignore[assignment]

    def records(self) -> Iterator[tuple[int, str, PolisId, PolisId, int]]:
        """Rows as (timestamp, datetime, comment id, voter id, vote), in file order."""
        dts = self.datetime if self.datetime is not None else [""] * len(self)
        vid, cid = self.voter_ids, self.comment_ids
        for t, d, c, v, x in zip(
            self.timestamp.tolist(),
            dts,
            self.comment_idx.tolist(),
            self.voter_idx.tolist(),
            self.vote.tolist(),
            strict=True,
        ):
            yield t, d, cid[c], vid[v], x

    def latest(self) -> VoteLog:
        """One vote per (voter, comment): the latest timestamp wins, ties go to the later line."""
        n = len(self)
        if n == 0:
            return self
        ncom = max(len(self.comment_ids), 1)
        key = self.voter_idx.astype(np.int64) * ncom + self.comment_idx
        if n < 2 or bool(np.all(self.timestamp[1:] >= self.timestamp[:-1])):
            order = np.argsort(key, kind="stable")  # log already in time order: one sort
        else:  # lexsort: last key is primary; row order breaks timestamp ties
            order = np.lexsort((np.arange(n), self.timestamp, key))
        sk = key[order]
        last = np.ones(n, dtype=bool)
        last[:-1] = sk[1:] != sk[:-1]
        keep = np.sort(order[last])  # keep file order of the surviving events
        return VoteLog(
            timestamp=self.timestamp[keep],
            voter_idx=self.voter_idx[keep],
            comment_idx=self.comment_idx[keep],
            vote=self.vote[keep],
            voter_ids=self.voter_ids,
            comment_ids=self.comment_ids,
            datetime=None if self.datetime is None else [self.datetime[i] for i in keep.tolist()],
        )


@dataclass
class ParticipantRecord:
    id: PolisId
    group_id: int | None
    n_comments: int
    n_votes: int
    n_agree: int
    n_disagree: int
    votes: dict[PolisId, int] = field(default_factory=dict)
    xid: str | None = None


@dataclass
class PolisExport:
    comments: list[Comment]
    votes: VoteLog | None = None
    participants: list[ParticipantRecord] | None = None
    participant_columns: list[PolisId] = field(default_factory=list)
    has_xid: bool = False

    def moderated_out(self) -> set[PolisId]:
        return {c.id for c in self.comments if c.moderated == -1}

    def final_votes(self) -> VoteLog:
        """Current votes, one per (voter, comment): votes.csv, else participants-votes.csv."""
        if self.votes is not None:
            return self.votes.latest()
        return votes_from_participants(self.participants or [], self.participant_columns)

    def polis_groups(self) -> dict[PolisId, int]:
        """Polis's own group-id per participant (only those it clustered)."""
        return {p.id: p.group_id for p in self.participants or [] if p.group_id is not None}


def votes_from_participants(
    participants: Sequence[ParticipantRecord], columns: Sequence[PolisId]
) -> VoteLog:
    col_index = {c: i for i, c in enumerate(columns)}
    vi: list[int] = []
    ci: list[int] = []
    vv: list[int] = []
    for i, p in enumerate(participants):
        for c, v in p.votes.items():
            vi.append(i)
            ci.append(col_index[c])
            vv.append(v)
    return VoteLog(
        timestamp=np.zeros(len(vv), dtype=np.int64),
        voter_idx=np.asarray(vi, dtype=np.int32),
        comment_idx=np.asarray(ci, dtype=np.int32),
        vote=np.asarray(vv, dtype=np.int8),
        voter_ids=[p.id for p in participants],
        comment_ids=list(columns),
    )
