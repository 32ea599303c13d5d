"""32 · Useful artifacts — bonus « Exemples d'artéfacts utiles à logger »

What you learn
  * learning curves as step metrics: mlflow.log_metrics({...}, step=epoch) after each epoch
    keeps a history, a value per step (MlflowClient.get_metric_history), not one number;
    a "/" in a metric's name ("loss/train") files its chart in a section ("loss") of the UI
  * the same curves as a picture in the run, no file to save first: mlflow.log_figure(fig, path)
  * an embedding: the four features projected to 2-D by a PCA fitted on the training split,
    species in colour, misclassified held-out points circled; its explained variance as
    metrics (mlflow.log_metric)
  * an HTML report: sklearn's classification_report(output_dict=True) as a table, logged by
    mlflow.log_text(html, "report.html"); its numbers as metrics too, to sort runs by them
  Two runs, two learning rates, so the UI's chart view has two sets of curves to overlay.

Run:  python scripts/code_32_useful_artifacts.py   (or: make run N=32)
UI:   experiment 32-useful-artifacts → a run → Model metrics (sections loss, accuracy: a
      chart over the steps), Artifacts → report.html (rendered as a page) and plots/; on
      the experiment's runs, the chart icon (chart view) draws both runs on each chart
Prev: code_31_team_server.py · Next: the end (README: "What to log, and why")
"""

import mlflow
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.decomposition import PCA
from sklearn.metrics import classification_report, log_loss
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

import course

EXPERIMENT = "32-useful-artifacts"
LEARNING_RATES = [0.001, 0.01]  # a slow and a fast run, for the comparison
EPOCHS = 30
HIDDEN_UNITS = 16
BATCH_SIZE = 16
PARAMS = {"epochs": EPOCHS, "hidden_units": HIDDEN_UNITS, "batch_size": BATCH_SIZE}
CURVES_PNG = "plots/learning_curves.png"  # 1000x400 (figures at 100 dpi)
EMBEDDING_PNG = "plots/pca_embedding.png"  # 700x550
REPORT_HTML = "report.html"
COLOURS = dict(zip(course.SPECIES, ["tab:blue", "tab:orange", "tab:green"], strict=True))


def scores(model: MLPClassifier, X: np.ndarray, y) -> tuple[float, float]:
    """Log loss and accuracy of ``model`` on (X, y)."""
    return log_loss(y, model.predict_proba(X), labels=model.classes_), model.score(X, y)


def curves_figure(history: dict[str, list[float]], title: str) -> Figure:
    figure = Figure(figsize=(10, 4), dpi=100, layout="constrained")
    for ax, kind in zip(figure.subplots(1, 2), ["loss", "accuracy"], strict=True):
        for split in ["train", "val"]:
            ax.plot(history[f"{kind}/{split}"], label=split)
        ax.set(title=f"{kind} per epoch ({title})", xlabel="epoch (step)", ylabel=kind)
        ax.legend()
    return figure


def embedding_figure(pca: PCA, X_train, y_train, X_val, y_val, y_pred) -> Figure:
    """Every point in the PCA's plane; held-out points filled, the misclassified circled."""
    ax = Figure(figsize=(7, 5.5), dpi=100, layout="constrained").subplots()
    train_2d, val_2d = pca.transform(X_train), pca.transform(X_val)
    for name, colour in COLOURS.items():
        train, val = (y_train == name).to_numpy(), (y_val == name).to_numpy()
        ax.scatter(*train_2d[train].T, color=colour, alpha=0.25, label=f"{name} (train)")
        ax.scatter(*val_2d[val].T, color=colour, edgecolor="black", label=f"{name} (held out)")
    wrong = (y_val != y_pred).to_numpy()
    ax.scatter(*val_2d[wrong].T, s=250, facecolor="none", edgecolor="red", label="misclassified")
    ratio = pca.explained_variance_ratio_
    ax.set(xlabel=f"PC1 ({ratio[0]:.0%})", ylabel=f"PC2 ({ratio[1]:.0%})")
    ax.set_title(f"PCA of the scaled features: {wrong.sum()} of {len(wrong)} misclassified")
    ax.legend(fontsize="small")
    return ax.figure


def report_page(report: dict, accuracy: float, title: str) -> str:
    """classification_report's dict as an HTML page: a table row per class and average."""
    table = pd.DataFrame(report).T.astype({"support": int}).rename_axis("class").reset_index()
    table = table.to_html(index=False, float_format="{:.4f}".format)
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{title}</title></head>\n"
        f"<body><h1>{title}</h1>\n<p>accuracy: {accuracy:.4f}</p>\n{table}\n</body></html>\n"
    )


def main() -> None:
    course.use_experiment(EXPERIMENT)
    X_train, X_val, y_train, y_val = course.load_iris_split()  # the held-out split: validation
    scaler = StandardScaler().fit(X_train)  # gradient descent wants features on one scale
    A_train, A_val = scaler.transform(X_train), scaler.transform(X_val)
    for rate in LEARNING_RATES:
        with mlflow.start_run(run_name=f"mlp-lr-{rate:g}") as run:
            mlflow.log_params({**PARAMS, "learning_rate_init": rate})
            # 1. One epoch per step, scored as it goes: a step metric shows how the model got
            #    there (still improving? over-fitting?), which a final number hides.
            model = MLPClassifier(
                hidden_layer_sizes=(HIDDEN_UNITS,),
                learning_rate_init=rate,
                batch_size=BATCH_SIZE,
                random_state=course.RANDOM_STATE,
            )
            for epoch in range(EPOCHS):
                model.partial_fit(A_train, y_train, classes=course.SPECIES)
                train_loss, train_accuracy = scores(model, A_train, y_train)
                val_loss, val_accuracy = scores(model, A_val, y_val)
                now = {"loss/train": train_loss, "loss/val": val_loss}
                now |= {"accuracy/train": train_accuracy, "accuracy/val": val_accuracy}
                mlflow.log_metrics(now, step=epoch)
            # 2. The same curves as a picture, for a report or a reviewer without the UI,
            #    drawn from the history the store kept: a value per step, oldest first.
            get = mlflow.MlflowClient().get_metric_history
            history = {key: [m.value for m in get(run.info.run_id, key)] for key in now}
            mlflow.log_figure(curves_figure(history, f"lr {rate:g}"), CURVES_PNG)

            # 3. Where the errors sit: two dimensions the eye can read, and how much of the
            #    data's variance they keep (if little, the picture misleads).
            pca = PCA(n_components=2, random_state=course.RANDOM_STATE).fit(A_train)
            y_pred = model.predict(A_val)
            for number, ratio in enumerate(pca.explained_variance_ratio_, start=1):
                mlflow.log_metric(f"pca/pc{number}_variance_ratio", ratio)
            figure = embedding_figure(pca, A_train, y_train, A_val, y_val, y_pred)
            mlflow.log_figure(figure, EMBEDDING_PNG)

            # 4. A page a person reads, and the same numbers as metrics a query can sort on.
            report = classification_report(y_val, y_pred, output_dict=True, zero_division=0)
            accuracy = report.pop("accuracy")
            page = report_page(report, accuracy, f"Held-out report, lr {rate:g}")
            mlflow.log_text(page, REPORT_HTML)
            flat = {"report/accuracy": accuracy}
            for label, values in report.items():
                for stat, value in values.items():
                    flat[f"report/{label.replace(' ', '_')}_{stat.replace('-score', '')}"] = value
            mlflow.log_metrics(flat)
        print(f"run id:      {run.info.run_id} ({run.info.run_name})")
        print(f"curves:      {', '.join(history)}: {EPOCHS} steps each")
        print(f"held out:    accuracy {accuracy:.4f}, report in {REPORT_HTML}")
    print(f"artifacts:   {CURVES_PNG}, {EMBEDDING_PNG}, {REPORT_HTML} in each run")

    # 5. The runs sorted by a report metric: a name with "/" goes between backquotes.
    best = mlflow.search_runs(
        [run.info.experiment_id], order_by=["metrics.`report/macro_avg_f1` DESC"], max_results=1
    ).iloc[0]
    print(f"best f1:     {best['tags.mlflow.runName']} ({best['metrics.report/macro_avg_f1']:.4f})")
    print(f"UI:          make ui → experiment {EXPERIMENT} → a run → Model metrics; Artifacts")


if __name__ == "__main__":
    main()
