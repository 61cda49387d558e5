"""Two principal components of the sparse, mean-centred vote matrix and the projection."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import LinearOperator, eigsh

from reef.consultations.opinion.matrix import FloatArray, OpinionState, _matrices


def _pca(
    state: OpinionState, previous: OpinionState | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Two PCs of the mean-centred, mean-imputed matrix, and the sparsity-aware projection.

    Centring a mean-imputed column leaves zeros where votes are missing (ref §2), so the
    centred matrix Z has the sparsity of the votes: Z_ij = x_ij - mu_j on cast votes only.
    PCs = top eigenvectors of Z^T Z, computed without densifying Z (ref §3).
    """
    n, c = state.n_participants, state.n_comments
    rows, cols, vals, on = _matrices(state)
    x = vals.astype(np.float64)
    cnt = np.bincount(cols, minlength=c).astype(np.float64)
    mean = np.bincount(cols, weights=x, minlength=c) / np.maximum(cnt, 1.0)
    mean[~state.active] = 0.0
    r, k = rows[on], cols[on]
    z = sparse.csr_matrix((x[on] - mean[k], (r, k)), shape=(n, c))
    n_active = int(state.active.sum())
    pcs = np.zeros((2, c))
    if n > 1 and n_active >= 1:
        if n_active <= state.params.dense_pca_max or n_active < 4:
            gram = np.asarray((z.T @ z).toarray())
            w, v = np.linalg.eigh(gram)
            top = v[:, ::-1][:, :2].T
            pcs[: top.shape[0]] = top
        else:
            zt = z.T.tocsr()

            def matvec(u: FloatArray) -> FloatArray:
                return np.asarray(zt @ (z @ u)).ravel()

            op = LinearOperator((c, c), matvec=matvec, dtype=np.float64)
            if previous is not None and previous.pcs.shape[1] > 0:
                v0 = np.zeros(c)
                v0[: previous.pcs.shape[1]] = previous.pcs[0] + 0.5 * previous.pcs[1]
            else:
                v0 = np.random.default_rng(state.seed).standard_normal(c)
            v0[~state.active] = 0.0
            if not np.any(v0):
                v0 = state.active.astype(np.float64)
            w, v = eigsh(op, k=2, which="LA", v0=v0, tol=1e-12)
            pcs = v[:, np.argsort(-w)].T
    pcs[:, ~state.active] = 0.0  # exact zeros, not round-off, for moderated-out comments
    # Deterministic sign: the largest-magnitude loading of each PC is positive.
    for i in range(2):
        if pcs.shape[1] and pcs[i, int(np.argmax(np.abs(pcs[i])))] < 0:
            pcs[i] = -pcs[i]
    # ref §1/§4: the matrix has a column per comment with votes; moderated-out columns are
    # zeroed for everyone, so they count in both C and |V_i| (and add nothing to the sum).
    has_votes = cnt > 0
    n_zeroed = int((has_votes & ~state.active).sum())
    n_cols = int(has_votes.sum())
    n_votes = np.bincount(r, minlength=n).astype(np.float64) + n_zeroed
    scale = np.sqrt(n_cols / np.maximum(n_votes, 1.0))  # ref §4
    proj = np.asarray(z @ pcs.T) * scale[:, None]
    return pcs, mean, proj
