"""Text affinity between proposals and reviewers, computed locally.

TF-IDF (cosine) or Okapi BM25 over scikit-learn's sparse term matrices. Nothing
is downloaded: the English stop-word list ships with scikit-learn. A reviewer
may have several documents; their score for a proposal is the maximum over
their documents, as is usual for reviewer matching.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

Method = Literal["tfidf", "bm25"]

# Word tokens of two or more letters/digits; keeps acronyms such as "CERT".
_WORD_REGEX = r"(?u)\b\w\w+\b"


def _flatten(reviewer_docs: Sequence[Sequence[str]]) -> tuple[list[str], NDArray[np.int64]]:
    """All reviewer documents in one list, and the owning reviewer of each."""
    docs: list[str] = []
    owner: list[int] = []
    for index, texts in enumerate(reviewer_docs):
        for text in texts:
            docs.append(text)
            owner.append(index)
    return docs, np.asarray(owner, dtype=np.int64)


def _max_per_reviewer(
    scores: NDArray[np.float64], owner: NDArray[np.int64], n_reviewers: int
) -> NDArray[np.float64]:
    """Column-wise max over each reviewer's documents (reviewers without text score 0)."""
    out = np.zeros((scores.shape[0], n_reviewers), dtype=np.float64)
    if owner.size == 0:
        return out
    # Documents are grouped by owner already (built in order), so reduceat works.
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    reduced = np.maximum.reduceat(scores, starts, axis=1)
    out[:, owner[starts]] = reduced
    return np.maximum(out, 0.0)


def _tfidf(proposals: list[str], docs: list[str]) -> NDArray[np.float64]:
    vectorizer = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, token_pattern=_WORD_REGEX, dtype=np.float64
    )
    matrix = vectorizer.fit_transform(proposals + docs)
    left = matrix[: len(proposals)]
    right = matrix[len(proposals) :]
    # Rows are L2-normalised, so the sparse product is the cosine similarity.
    return np.asarray((left @ right.T).toarray(), dtype=np.float64)


def _bm25(
    proposals: list[str], docs: list[str], k1: float = 1.2, b: float = 0.75
) -> NDArray[np.float64]:
    vectorizer = CountVectorizer(stop_words="english", token_pattern=_WORD_REGEX)
    vectorizer.fit(proposals + docs)
    counts = sp.csr_matrix(vectorizer.transform(docs), dtype=np.float64)
    queries = sp.csr_matrix(vectorizer.transform(proposals), dtype=np.float64)
    queries.data[:] = 1.0  # a query term counts once, as in classic BM25
    n_docs = counts.shape[0]
    doc_len = np.asarray(counts.sum(axis=1)).ravel()
    avgdl = float(doc_len.mean()) if n_docs and doc_len.mean() > 0 else 1.0
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    # The "+1" form keeps idf positive for very common terms.
    idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
    rows = np.repeat(np.arange(n_docs), np.diff(counts.indptr))
    tf = counts.data
    norm = k1 * (1.0 - b + b * doc_len[rows] / avgdl)
    weights = counts.copy()
    weights.data = idf[counts.indices] * tf * (k1 + 1.0) / (tf + norm)
    return np.asarray((queries @ weights.T).toarray(), dtype=np.float64)


def text_affinity(
    proposal_texts: Sequence[str],
    reviewer_docs: Sequence[Sequence[str]],
    method: Method = "tfidf",
) -> NDArray[np.float64]:
    """Affinity matrix (proposals x reviewers), rounded to 6 decimals.

    `reviewer_docs[j]` is the list of texts of reviewer j (profile, expertise,
    publications); the reviewer's score is the best of them.
    """
    n_p = len(proposal_texts)
    n_r = len(reviewer_docs)
    docs, owner = _flatten(reviewer_docs)
    all_text = list(proposal_texts) + docs
    if n_p == 0 or n_r == 0 or not docs or not any(t.strip() for t in all_text):
        return np.zeros((n_p, n_r), dtype=np.float64)
    try:
        scores = (
            _tfidf(list(proposal_texts), docs)
            if method == "tfidf"
            else _bm25(list(proposal_texts), docs)
        )
    except ValueError:
        # scikit-learn raises when every token is a stop word: no signal at all.
        return np.zeros((n_p, n_r), dtype=np.float64)
    # Rounded so that the exact integer scaling in the solver sees few decimals.
    return np.round(_max_per_reviewer(scores, owner, n_r), 6)
