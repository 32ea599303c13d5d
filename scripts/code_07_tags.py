"""07 · Tags — Code 7 « Ajouter des tags »

What you learn
  * tags from the run's first moment:  mlflow.start_run(tags={...}, description=...)
  * add or overwrite later:            mlflow.set_tag / mlflow.set_tags
  * the description is a tag too:      "mlflow.note.content" (the run page's Description)
  * find runs by tag:                  mlflow.search_runs(filter_string="tags.stage = 'baseline'")
  Unlike params, tags stay mutable: review status, notes, who ran it.

Run:  python scripts/code_07_tags.py   (or: make run N=07)
UI:   experiment 07-tags → a run → Tags and Description; filter box: tags.stage = "baseline"
Prev: code_06_artifacts.py · Next: code_08_multiple_runs.py
"""

import mlflow
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

import course

EXPERIMENT = "07-tags"
MODELS = {
    "logreg": LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE),
    "tree": DecisionTreeClassifier(max_depth=3, random_state=course.RANDOM_STATE),
}
MIN_ACCURACY = 0.9
COMMON_TAGS = {"owner": "course", "dataset": "iris", "dataset_version": "sklearn-bundled"}


def main() -> list[str]:
    experiment_id = course.use_experiment(EXPERIMENT)
    X_train, X_test, y_train, y_test = course.load_iris_split()

    run_ids = []
    for family, model in MODELS.items():
        # 1. Tags given at start exist from the run's first moment: filters can rely on them.
        with mlflow.start_run(
            run_name=family,
            tags={**COMMON_TAGS, "model_family": family},
            description=f"{type(model).__name__} on the Iris test split, tagged for search.",
        ) as run:
            accuracy = model.fit(X_train, y_train).score(X_test, y_test)
            mlflow.log_metric("accuracy", accuracy)
            # 2. Tags change as the run's story does: mark it, then overwrite the mark.
            mlflow.set_tag("stage", "candidate")
            gate = "passed" if accuracy >= MIN_ACCURACY else "failed"
            mlflow.set_tags({"stage": "baseline", "quality_gate": gate})
        run_ids.append(run.info.run_id)

    # 3. Tags are what make runs findable later. Values compare as quoted strings.
    found = mlflow.search_runs(
        experiment_ids=[experiment_id],
        filter_string="tags.stage = 'baseline' and tags.model_family = 'tree'",
    )
    assert run_ids[-1] in set(found["run_id"]), "the tree run should match its own tags"
    tags = mlflow.MlflowClient().get_run(run_ids[-1]).data.tags
    print(f"runs:        {', '.join(run_ids)}")
    print(f"tree's tags: { {k: v for k, v in tags.items() if not k.startswith('mlflow.')} }")
    print(f"description: {tags['mlflow.note.content']}")
    print(f"search:      {len(found)} run(s) with stage=baseline, family=tree (grows per replay)")
    print(f'UI:          make ui → experiment {EXPERIMENT} → filter: tags.stage = "baseline"')
    return run_ids


if __name__ == "__main__":
    main()
