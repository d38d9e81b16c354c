"""Answer or abstain: a logistic model over a few signals, fitted on outside development data.

The weights live in `calibration.json` beside this file, written by `bench/calibrate_answer.py`
(which fits them on part of the development sets and reports on the rest). Fitting is plain
numpy (Newton's method on an L2-regularised log-loss): a dozen features do not need a library.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

# The signals, in the order the model reads them (see `bot.answer.extractive` for each).
FEATURES = (
    "semantic",  # cosine of the answer sentence to the question
    "passage",  # cosine of the sentence's whole passage to the question
    "lift",  # the sentence's cosine above the median passage's: short questions score low
    # cosines against everything, so the lift, not the cosine, says a sentence stands out
    "coverage",  # share of the question's weighted terms in the answer sentence
    "context_coverage",  # ... in the sentence and its neighbours
    "pool_coverage",  # ... anywhere in the three best passages (multi-clause questions)
    "typed",  # the sentence holds the kind of answer asked for (1), or none is asked (0.5)
    "support",  # share of the answer votes the short answer won
    "span_context",  # share of the question's words right around the short answer
    "stories",  # log(1 + stories whose sentences hold the short answer)
    "margin",  # lead over the next best sentence
    "missing_names",  # share of the question's names no passage mentions
    "missing_terms",  # weighted share of the question's terms no passage holds
    "missing_key",  # the question's rarest term (its subject, e.g. "stadium") is in no passage
    "novel",  # new content words the sentence adds beyond the question (capped, scaled)
    "missing_qualifier",  # share of the question's years, months and numbers absent from the
    # sentence, its neighbours and its article's date
    "qualifier_conflict",  # the answer is labelled with another qualifier ("initial" for "second")
    "negation",  # the question negates a word the sentence and its neighbours state plainly
)
# Not features: the sentence's ranking score, a hand-weighted sum of the signals above (the fit
# weighs them itself; the sum only fights it), and the question's length.
# Which way each signal may push: more meaning, coverage, agreement means "answer"; names or
# words of the question that no passage holds mean "abstain". A fit that gives a signal the
# other sign is reading a quirk of one data set (SQuAD 2.0's unanswerable questions copy their
# paragraph's words on purpose), so that signal is dropped and the rest refitted.
_AGAINST = ("missing", "qualifier_conflict", "negation")
SIGNS = {name: -1.0 if name.startswith(_AGAINST) else 1.0 for name in FEATURES}
# On length: Long multi-part questions are mostly answerable in one
# dev set and short ones half unanswerable in another; a weight on length would learn which
# set a question came from and refuse short questions for being short (or long for being long).


@dataclass(frozen=True)
class Calibration:
    """A fitted logistic model: standardised features, weights, bias and a decision threshold."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    features: tuple[str, ...] = FEATURES

    def probability(self, values: Mapping[str, float]) -> float:
        """P(the articles answer the question), from the signals of the best candidate."""
        z = self.bias
        for name, mu, sd, w in zip(self.features, self.mean, self.scale, self.weights, strict=True):
            z += w * _clip((float(values.get(name, 0.0)) - mu) / sd)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def answers(self, values: Mapping[str, float]) -> bool:
        """Answer (True) or abstain (False)."""
        return self.probability(values) >= self.threshold

    def to_json(self) -> dict[str, Any]:
        """The on-disk form."""
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Calibration:
        """Read the on-disk form; features the code no longer computes are refused."""
        features = tuple(data["features"])
        unknown = set(features) - set(FEATURES)
        if unknown:
            raise ValueError(f"calibration names unknown features: {sorted(unknown)}")
        return cls(
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            weights=tuple(data["weights"]),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            features=features,
        )


CLIP = 2.5  # standard deviations: no single signal far off its usual range can veto alone


def _clip(z: float) -> float:
    return max(-CLIP, min(CLIP, z))


@cache
def default_calibration() -> Calibration:
    """The packaged model (bot/answer/calibration.json)."""
    text = resources.files(__package__).joinpath("calibration.json").read_text(encoding="utf-8")
    return Calibration.from_json(json.loads(text))


def save(calibration: Calibration, path: Path) -> None:
    """Write the model as JSON."""
    path.write_text(json.dumps(calibration.to_json(), indent=1) + "\n", encoding="utf-8")


def fit(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[int],
    *,
    sample_weights: Sequence[float] | None = None,
    l2: float = 1.0,
    features: Sequence[str] = FEATURES,
    threshold: float = 0.5,
    signs: Mapping[str, float] | None = SIGNS,
) -> Calibration:
    """L2-regularised logistic regression by Newton's method; signals whose weight comes out
    against its expected sign (`signs`) get weight 0 and the rest are refitted."""
    active = list(features)
    while True:
        model = _fit(rows, labels, sample_weights, l2, active, features, threshold)
        wrong = [
            f
            for f, w in zip(model.features, model.weights, strict=True)
            if signs is not None and f in active and w * signs.get(f, 0.0) < 0
        ]
        if not wrong:
            return model
        expected = signs or {}
        active.remove(
            min(wrong, key=lambda f: model.weights[model.features.index(f)] * expected[f])
        )


def _fit(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[int],
    sample_weights: Sequence[float] | None,
    l2: float,
    active: Sequence[str],
    features: Sequence[str],
    threshold: float,
) -> Calibration:
    x = np.array([[float(r.get(f, 0.0)) for f in features] for r in rows], dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    sw = np.ones(len(y)) if sample_weights is None else np.asarray(sample_weights, np.float64)
    sw = sw * (len(y) / sw.sum())  # mean weight 1, so `l2` means the same whatever the weights
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([np.clip((x - mean) / scale, -CLIP, CLIP), np.ones((len(y), 1))])
    w = np.zeros(z.shape[1])
    reg = np.full(z.shape[1], l2)
    reg[-1] = 0.0  # the bias is not shrunk
    off = [i for i, f in enumerate(features) if f not in active]
    reg[off] = 1e9  # pinned at zero
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (sw * (p - y)) + reg * w
        hess = (z * (sw * p * (1 - p))[:, None]).T @ z + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return Calibration(
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        weights=tuple(
            float(v) if f in active else 0.0 for f, v in zip(features, w[:-1], strict=True)
        ),
        bias=float(w[-1]),
        threshold=threshold,
        features=tuple(features),
    )
