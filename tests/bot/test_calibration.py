"""The answer-or-abstain model: fitting, the packaged weights, the on-disk form."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bot.answer.calibration import FEATURES, Calibration, default_calibration, fit, save


def test_fit_separates_a_signal_from_noise():
    rng = random.Random(7)
    rows, labels = [], []
    for _ in range(400):
        label = rng.random() < 0.5
        rows.append({"semantic": rng.gauss(0.6 if label else 0.3, 0.1), "margin": rng.random()})
        labels.append(int(label))
    model = fit(rows, labels)
    assert model.weights[FEATURES.index("semantic")] > 1.0
    assert abs(model.weights[FEATURES.index("margin")]) < 0.5
    assert model.answers({"semantic": 0.7, "margin": 0.5})
    assert not model.answers({"semantic": 0.2, "margin": 0.5})


def test_a_signal_fitted_against_its_expected_direction_is_dropped():
    # In this data more coverage means unanswerable (as in SQuAD 2.0's adversarial questions):
    # the fit must not learn "refuse when the sentence holds the question's words".
    rng = random.Random(3)
    rows, labels = [], []
    for _ in range(400):
        label = rng.random() < 0.5
        rows.append(
            {
                "semantic": rng.gauss(0.6 if label else 0.3, 0.1),
                "coverage": rng.gauss(0.3 if label else 0.6, 0.1),
            }
        )
        labels.append(int(label))
    model = fit(rows, labels)
    assert model.weights[FEATURES.index("coverage")] == 0.0
    assert model.weights[FEATURES.index("semantic")] > 1.0
    free = fit(rows, labels, signs=None)
    assert free.weights[FEATURES.index("coverage")] < 0


def test_packaged_model_reads_every_feature_and_round_trips(tmp_path: Path):
    model = default_calibration()
    assert model.features == FEATURES
    assert 0.0 < model.threshold < 1.0
    save(model, tmp_path / "c.json")
    again = Calibration.from_json(json.loads((tmp_path / "c.json").read_text()))
    assert again == model


def test_unknown_features_are_refused():
    data = default_calibration().to_json()
    data["features"] = [*data["features"][:-1], "telepathy"]
    with pytest.raises(ValueError, match="telepathy"):
        Calibration.from_json(data)
