"""Check for lesson 32: per-epoch metric histories equal to curves recomputed here by an
independent training loop, the two figures at their sizes, and report.html parsed back to
the numbers of a classification_report recomputed here, which are also the run's metrics."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import matplotlib.image
import numpy as np
import pytest
from conftest import Lesson
from sklearn.decomposition import PCA
from sklearn.metrics import classification_report, log_loss
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

import course
from checks import check
from checks.common import PNG_MAGIC, finished

EXPERIMENT = "32-useful-artifacts"
RUN_NAMES = ["mlp-lr-0.001", "mlp-lr-0.01"]  # one run per learning rate, slow then fast
FIGURES = {"plots/learning_curves.png": (1000, 400), "plots/pca_embedding.png": (700, 550)}
REPORT = "report.html"
CURVES = ["loss/train", "loss/val", "accuracy/train", "accuracy/val"]
STATS = {"precision": "precision", "recall": "recall", "f1-score": "f1", "support": "support"}


def recomputed(params: dict[str, str]) -> tuple[dict[str, list[float]], MLPClassifier]:
    """The curves of an MLP trained here, epoch by epoch, with the run's own params."""
    X_train, X_val, y_train, y_val = course.load_iris_split()
    scaler = StandardScaler().fit(X_train)
    splits = {
        "train": (scaler.transform(X_train), y_train),
        "val": (scaler.transform(X_val), y_val),
    }
    model = MLPClassifier(
        hidden_layer_sizes=(int(params["hidden_units"]),),
        learning_rate_init=float(params["learning_rate_init"]),
        batch_size=int(params["batch_size"]),
        random_state=course.RANDOM_STATE,
    )
    curves: dict[str, list[float]] = {name: [] for name in CURVES}
    for _ in range(int(params["epochs"])):
        model.partial_fit(*splits["train"], classes=course.SPECIES)
        for split, (X, y) in splits.items():
            probabilities = model.predict_proba(X)
            curves[f"loss/{split}"].append(log_loss(y, probabilities, labels=model.classes_))
            predicted = model.classes_[probabilities.argmax(axis=1)]
            curves[f"accuracy/{split}"].append(float(np.mean(predicted == y)))
    return curves, model


class Tables(HTMLParser):
    """The text of every table row (its th and td cells) and of every paragraph."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.paragraphs: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td", "p"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
        elif tag == "p" and self._cell is not None:
            self.paragraphs.append("".join(self._cell).strip())
        self._cell = None if tag in ("th", "td", "p") else self._cell

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


@check("32")
def useful_artifacts(lesson: Lesson) -> None:
    runs = lesson.store.runs(EXPERIMENT)
    assert [run.info.run_name for run in runs] == RUN_NAMES * len(lesson.outputs)
    assert finished(runs)
    final_loss = {}
    for run in runs[-len(RUN_NAMES) :]:  # the last replay's two runs
        run_id, params = run.info.run_id, run.data.params
        rate = float(params["learning_rate_init"])
        assert run.info.run_name == f"mlp-lr-{rate:g}"
        assert {k: params[k] for k in ("epochs", "hidden_units", "batch_size")} == {
            "epochs": "30",
            "hidden_units": "16",
            "batch_size": "16",
        }
        curves, model = recomputed(params)

        # 1. Every curve: one value per epoch, steps 0..N-1 in order, each value recomputed.
        for name in CURVES:
            history = lesson.store.client.get_metric_history(run_id, name)
            assert [m.step for m in history] == list(range(int(params["epochs"]))), name
            assert [m.value for m in history] == pytest.approx(curves[name], rel=1e-9), name
            assert run.data.metrics[name] == pytest.approx(curves[name][-1], rel=1e-9)
        assert curves["accuracy/val"][-1] >= 0.8
        final_loss[rate] = curves["loss/val"][-1]

        # 2. The figures, at their size; the PCA's variance ratios, recomputed.
        assert lesson.store.artifact_paths(run_id) == {*FIGURES, REPORT}
        for path, size in FIGURES.items():
            png = lesson.store.read_artifact(run_id, path, lesson.tmp / run_id)
            assert png.startswith(PNG_MAGIC)
            pixels = matplotlib.image.imread(io.BytesIO(png), format="png")  # decodes it whole
            assert pixels.shape[1::-1] == size, path  # rows x columns: height, width
            assert pixels[..., :3].std() > 0.05, path  # a drawing, not one flat colour
        X_train, X_val, _, y_val = course.load_iris_split()
        scaler = StandardScaler().fit(X_train)
        ratios = PCA(n_components=2).fit(scaler.transform(X_train)).explained_variance_ratio_
        assert run.data.metrics["pca/pc1_variance_ratio"] == pytest.approx(ratios[0], rel=1e-9)
        assert run.data.metrics["pca/pc2_variance_ratio"] == pytest.approx(ratios[1], rel=1e-9)

        # 3. report.html holds every species with the report recomputed here, 4 decimals;
        #    the run's report/* metrics hold the same numbers, unrounded.
        report = classification_report(
            y_val, model.predict(scaler.transform(X_val)), output_dict=True, zero_division=0
        )
        page = lesson.store.read_artifact(run_id, REPORT, lesson.tmp / run_id).decode()
        tables = Tables()
        tables.feed(page)
        header, *rows = tables.rows
        assert header[1:] == list(STATS)
        shown = {row[0]: [float(cell) for cell in row[1:]] for row in rows}
        assert set(course.SPECIES) <= shown.keys()
        assert tables.paragraphs == [f"accuracy: {report['accuracy']:.4f}"]
        assert run.data.metrics["report/accuracy"] == pytest.approx(report.pop("accuracy"))
        assert shown.keys() == report.keys()
        for label, values in report.items():
            assert shown[label] == pytest.approx([values[s] for s in STATS], abs=5e-5), label
            for stat, short in STATS.items():
                key = f"report/{label.replace(' ', '_')}_{short}"
                assert run.data.metrics[key] == pytest.approx(values[stat], rel=1e-12), key
        assert len(run.data.metrics) == len(CURVES) + 2 + 1 + len(report) * len(STATS)
        assert re.search(r"<title>Held-out report, lr [0-9.]+</title>", page)

    # 4. The point of two runs: the faster learning rate ends lower.
    assert final_loss[0.01] < final_loss[0.001]
    output = lesson.outputs[-1]
    for run in runs[-len(RUN_NAMES) :]:
        assert f"run id:      {run.info.run_id} ({run.info.run_name})\n" in output
    # 5. The query sorts every run of the experiment by a metric with a "/" in its name.
    best = max(runs, key=lambda run: run.data.metrics["report/macro_avg_f1"])
    f1 = best.data.metrics["report/macro_avg_f1"]
    assert best.info.run_name == "mlp-lr-0.01"
    assert f"best f1:     {best.info.run_name} ({f1:.4f})\n" in output
