"""Fit the answer-or-abstain model on part of the development sets, report on the rest.

    python bench/answer_dev.py            # ask every question once, save the signals
    python bench/calibrate_answer.py [--write] [--plot docs/answer_tradeoff.png]

Reads WORK/runs/*.jsonl (written by `bench/answer_dev.py`), then:

1. 5-fold cross-validation, folds stratified by set: every question's probability comes from a
   model that never saw it; the threshold is chosen on the training folds only (the one that
   keeps false abstention at most 15% on every set and, within that, maximises the mean over
   sets of answered-answerable + refused-unanswerable rates).
2. Leave-one-set-out: fitted on three sets, reported on the fourth (how it carries over to a
   kind of question it has not seen).
3. One table per set of held-out figures; the precision/recall trade-off as a plot.
4. `--write`: fits on all the sets and writes `bot/answer/calibration.json`.

Questions the answerer refuses by rule (a name asked for and none found, no passage) are
reported as abstentions and left out of the fit.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import devsets
from _common import PROJECT_DIR, pyplot, save_figure
from answer_dev import form_decided, load_runs, multihop_scores, refused_by_rule, table

from bot.answer.calibration import Calibration, fit, save

FOLDS = 5
THRESHOLDS = np.linspace(0.05, 0.95, 37)
MAX_FALSE_ABSTENTION = 0.15


def _usable(row: dict[str, Any]) -> bool:
    return bool(row["signals"]) and not row["forced"]


def _answers(model: Calibration, row: dict[str, Any]) -> bool:
    """The decision on one question: the model's, unless a rule refused it."""
    return _usable(row) and not refused_by_rule(row) and model.answers(row["signals"])


def _weights(rows: list[dict[str, Any]]) -> list[float]:
    """Each set and each label within it weighs the same in total (SQuAD must not dominate)."""
    counts: dict[tuple[str, bool], int] = {}
    for r in rows:
        counts[(r["set"], r["answerable"])] = counts.get((r["set"], r["answerable"]), 0) + 1
    return [1.0 / counts[(r["set"], r["answerable"])] for r in rows]


def _fit(rows: list[dict[str, Any]]) -> Calibration:
    usable = [r for r in rows if _usable(r)]
    model = fit(
        [r["signals"] for r in usable],
        [int(r["answerable"]) for r in usable],
        sample_weights=_weights(usable),
    )
    probs = [model.probability(r["signals"]) if _usable(r) else 0.0 for r in rows]
    # The operating point the issue sets: false abstention at most MAX_FALSE_ABSTENTION on every
    # set, and as many refusals of unanswerable questions as that allows.
    allowed = [
        float(t)
        for t in THRESHOLDS
        if _worst_false_abstention(rows, probs, float(t)) <= MAX_FALSE_ABSTENTION
    ]
    best = (
        max(allowed, key=lambda t: _objective(rows, probs, t)) if allowed else float(THRESHOLDS[0])
    )
    return Calibration(model.mean, model.scale, model.weights, model.bias, float(best))


def _worst_false_abstention(rows: list[dict[str, Any]], probs: list[float], t: float) -> float:
    worst = 0.0
    for name in {r["set"] for r in rows}:
        pos = [i for i, r in enumerate(rows) if r["set"] == name and r["answerable"]]
        if pos:
            worst = max(worst, sum(probs[i] < t for i in pos) / len(pos))
    return worst


def _objective(rows: list[dict[str, Any]], probs: list[float], t: float) -> float:
    """Mean over sets of (answered share of answerable + refused share of unanswerable) / 2."""
    per_set = []
    for name in {r["set"] for r in rows}:
        idx = [i for i, r in enumerate(rows) if r["set"] == name]
        pos = [i for i in idx if rows[i]["answerable"]]
        neg = [i for i in idx if not rows[i]["answerable"]]
        parts = []
        if pos:
            parts.append(sum(probs[i] >= t for i in pos) / len(pos))
        if neg:
            parts.append(sum(probs[i] < t for i in neg) / len(neg))
        per_set.append(sum(parts) / len(parts))
    return float(np.mean(per_set))


def cross_validated(rows: list[dict[str, Any]]) -> tuple[list[float], list[float]]:
    """Out-of-fold probabilities and the threshold each question was judged with."""
    fold_of = [0] * len(rows)
    for name in {r["set"] for r in rows}:
        idx = [i for i, r in enumerate(rows) if r["set"] == name]
        for j, i in enumerate(idx):
            fold_of[i] = j % FOLDS
    probs = [0.0] * len(rows)
    thresholds = [0.5] * len(rows)
    for k in range(FOLDS):
        train = [r for r, f in zip(rows, fold_of, strict=True) if f != k]
        model = _fit(train)
        for i, r in enumerate(rows):
            if fold_of[i] == k:
                probs[i] = model.probability(r["signals"]) if _usable(r) else 0.0
                thresholds[i] = model.threshold
    return probs, thresholds


def leave_one_set_out(rows: list[dict[str, Any]]) -> dict[str, list[bool]]:
    """For each set, decisions of a model fitted on the other sets."""
    out = {}
    for name in sorted({r["set"] for r in rows}):
        model = _fit([r for r in rows if r["set"] != name])
        out[name] = [_answers(model, r) for r in rows if r["set"] == name]
    return out


def report(rows: list[dict[str, Any]], answered: list[bool], label: str) -> dict[str, Any]:
    """One table per set for the given decisions."""
    print(f"\n### {label}")
    figures = {}
    for name in devsets.SETS:
        idx = [i for i, r in enumerate(rows) if r["set"] == name]
        if not idx:
            continue
        sub = [rows[i] for i in idx]
        # A side by side or before/after answer was decided by its form, not the calibration.
        dec = [answered[i] or form_decided(rows[i]) for i in idx]
        fig = table(name, sub, dec)
        if name == "multihop":
            fig.update(multihop_scores(sub, dec))
        figures[name] = fig
        cells = " ".join(f"{k}={v}" for k, v in fig.items() if k not in {"n", "p50_ms"})
        print(f"{name:<9} n={fig['n']:<4} {cells}")
    return figures


def plot(rows: list[dict[str, Any]], probs: list[float], path: Path) -> Path:
    """Precision (answered questions that were answerable) vs recall (answerable ones answered)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for name in devsets.SETS:
        idx = [i for i, r in enumerate(rows) if r["set"] == name]
        if not idx or all(rows[i]["answerable"] for i in idx):
            continue
        xs, ys = [], []
        for t in THRESHOLDS:
            answered = [i for i in idx if probs[i] >= t]
            pos = [i for i in idx if rows[i]["answerable"]]
            if not answered:
                continue
            xs.append(sum(rows[i]["answerable"] for i in answered) / len(pos))
            ys.append(sum(rows[i]["answerable"] for i in answered) / len(answered))
        ax.plot(xs, ys, marker=".", label=name)
    ax.set_xlabel("recall: answerable questions answered")
    ax.set_ylabel("precision: answered questions that were answerable")
    ax.set_title("Answer or abstain, held-out (5-fold) probabilities")
    ax.grid(alpha=0.3)
    ax.legend()
    return save_figure(fig, path)


def main() -> None:
    """Cross-validate, report, optionally write the packaged model."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=devsets.DEFAULT_WORK)
    parser.add_argument("--sets", nargs="+", default=list(devsets.SETS), choices=devsets.SETS)
    parser.add_argument(
        "--fit-sets",
        nargs="+",
        choices=devsets.SETS,
        default=None,
        help="fit only on these sets (the others are reported as never seen)",
    )
    parser.add_argument("--write", action="store_true", help="write bot/answer/calibration.json")
    parser.add_argument("--plot", type=Path, default=None)
    args = parser.parse_args()
    rows = [r for name in args.sets for r in load_runs(name, args.work)]
    if args.fit_sets:
        fit_rows = [r for r in rows if r["set"] in args.fit_sets]
        outside = [r for r in rows if r["set"] not in args.fit_sets]
        model = _fit(fit_rows)
        decisions = [_answers(model, r) for r in outside]
        report(outside, decisions, f"fitted on {', '.join(args.fit_sets)} only; never seen")
        rows = fit_rows
    probs, thresholds = cross_validated(rows)
    cv = [
        p >= t and not refused_by_rule(r) for p, t, r in zip(probs, thresholds, rows, strict=True)
    ]
    results = {"cross_validated": report(rows, cv, "5-fold cross-validated (held-out folds)")}
    loso = leave_one_set_out(rows)
    decisions = [False] * len(rows)
    for name, dec in loso.items():
        idx = [i for i, r in enumerate(rows) if r["set"] == name]
        for i, d in zip(idx, dec, strict=True):
            decisions[i] = d
    results["leave_one_set_out"] = report(rows, decisions, "leave-one-set-out (set never seen)")
    if args.plot:
        print(f"plot: {plot(rows, probs, args.plot)}")
    if args.write:
        model = _fit(rows)  # the fit sets only, when --fit-sets is given
        target = PROJECT_DIR / "bot" / "answer" / "calibration.json"
        save(model, target)
        print(f"wrote {target} (threshold {model.threshold:.3f})")
        results["packaged"] = model.to_json()
    out = args.work / "calibration_report.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"report: {out}")


if __name__ == "__main__":
    main()
