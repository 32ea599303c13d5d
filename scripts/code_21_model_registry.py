"""21 · Model registry — Code 21 « Registry de modèle »

What you learn
  * register while logging:     mlflow.sklearn.log_model(..., registered_model_name=NAME)
  * or register a logged model: mlflow.register_model(model_info.model_uri, NAME)
  * name the versions' roles:   client.set_registered_model_alias(NAME, "champion", version)
  * document them:              client.set_model_version_tag / update_model_version(description)
  * promote by moving an alias, then load whatever it points at: models:/NAME@champion
  * retire: a version left without an alias is tagged status=retired (still loadable by
    number, for a rollback); older retired ones go: client.delete_model_version(NAME, v)
  Each replay adds two versions and deletes the older ones: the registry ends on this
  replay's two, @champion on the better one and the weak one retired.

Run:  python scripts/code_21_model_registry.py   (or: make run N=21)
UI:   Models → iris-classifier → versions, aliases @champion, tags, descriptions;
      experiment 21-model-registry for the runs behind them
Prev: code_20_dummy_baseline.py · Next: code_22_path_checks.py
"""

import mlflow
import pandas as pd
from mlflow.models import infer_signature
from mlflow.models.model import ModelInfo
from sklearn.base import ClassifierMixin
from sklearn.linear_model import LogisticRegression

import course

EXPERIMENT = "21-model-registry"
NAME = course.REGISTERED_MODEL  # "iris-classifier", shared with the lessons that serve it
CHAMPION, CHALLENGER = course.CHAMPION, "challenger"
RETIRED = "retired"  # the value of the version tag "status"


def log(run_name: str, model: ClassifierMixin, register: bool) -> tuple[ModelInfo, float]:
    """Train and log one candidate, registered in the same call if asked; its ModelInfo
    and its test accuracy (also a metric of its run)."""
    X_train, X_test, y_train, y_test = course.load_iris_split()
    with mlflow.start_run(run_name=run_name):
        model.fit(X_train, y_train)
        accuracy = model.score(X_test, y_test)
        mlflow.log_metric("accuracy", accuracy)
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(X_train, pd.Series(model.predict(X_train), name="species")),
            input_example=X_train.head(3),
            registered_model_name=NAME if register else None,
            pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
        )
    return info, accuracy


def main() -> str:
    course.use_experiment(EXPERIMENT)
    client = mlflow.MlflowClient()

    # 1. Two ways in. Register while logging (a version is created at once)...
    # A deliberately weak first version: C=0.01 regularises the classifier hard.
    weak = LogisticRegression(C=0.01, max_iter=200, random_state=course.RANDOM_STATE)
    weak_info, weak_accuracy = log("logreg-C0.01", weak, register=True)
    first = client.get_model_version(NAME, weak_info.registered_model_version)
    # ...or register afterwards, once the numbers are in. Register the LoggedModel's own URI
    # (models:/m-...): in MLflow 3 a runs:/ URI no longer holds the model's files.
    better = LogisticRegression(C=1.0, max_iter=200, random_state=course.RANDOM_STATE)
    better_info, logreg_accuracy = log("logreg-C1", better, register=False)
    second = mlflow.register_model(better_info.model_uri, NAME)

    # 2. Aliases say what each version is for. MLflow 3: stages (Staging/Production,
    #    transition_model_version_stage) are deprecated since 2.9; aliases replace them.
    client.set_registered_model_alias(NAME, CHAMPION, first.version)
    client.set_registered_model_alias(NAME, CHALLENGER, second.version)
    client.update_registered_model(NAME, description="Iris species from four measurements.")
    for version, accuracy in ((first, weak_accuracy), (second, logreg_accuracy)):
        client.set_model_version_tag(NAME, version.version, "test_accuracy", f"{accuracy:.4f}")
    client.update_model_version(NAME, first.version, description="LogisticRegression, C=0.01")
    client.update_model_version(NAME, second.version, description="LogisticRegression, C=1")

    # 3. Promote on evidence: if the challenger is at least as accurate, the champion alias
    #    moves to it. Whoever loads @champion gets the new version, with no code change.
    if logreg_accuracy >= weak_accuracy:
        client.set_registered_model_alias(NAME, CHAMPION, second.version)
        client.delete_registered_model_alias(NAME, CHALLENGER)
    champion = client.get_model_version_by_alias(NAME, CHAMPION)

    # 4. Retire for real: a version no alias points at is out of service. A tag says so, for
    #    the UI and for search_model_versions("tags.status = 'retired'"); it stays loadable
    #    as models:/NAME/<version>, for a rollback. On a replay this also catches the last
    #    replay's champion, whose alias step 2 took away.
    in_service = {int(v) for v in client.get_registered_model(NAME).aliases.values()}
    for version in client.search_model_versions(f"name = '{NAME}'"):
        if int(version.version) not in in_service and version.tags.get("status") != RETIRED:
            client.set_model_version_tag(NAME, version.version, "status", RETIRED)
            client.set_model_version_tag(NAME, version.version, "retired_by", champion.version)
    # 5. Retired versions older than this replay's are deleted. Their numbers are never
    #    reused, their runs and LoggedModels stay; the registry keeps what a rollback needs.
    retired = client.search_model_versions(f"name = '{NAME}' and tags.status = '{RETIRED}'")
    deleted = sorted(int(v.version) for v in retired if int(v.version) < int(first.version))
    for version in deleted:
        client.delete_model_version(NAME, str(version))

    # 6. Load by alias: the registry resolves it to a version, the version to a model.
    model = mlflow.pyfunc.load_model(f"models:/{NAME}@{CHAMPION}")
    _, X_test, _, _ = course.load_iris_split()
    print(
        f"versions:    {first.version} logreg-C0.01 (accuracy {weak_accuracy:.3f}), "
        f"{second.version} logreg-C1 (accuracy {logreg_accuracy:.3f})"
    )
    print(f"promoted:    @{CHAMPION} → version {champion.version} (source {champion.source})")
    print(f"aliases:     {client.get_registered_model(NAME).aliases}")
    kept = client.search_model_versions(f"name = '{NAME}' and tags.status = '{RETIRED}'")
    print(f"retired:     versions {[v.version for v in kept]} (tag status={RETIRED}), kept")
    print(f"deleted:     versions {deleted}  (client.delete_model_version)")
    print(f"predicts:    models:/{NAME}@{CHAMPION} → {list(model.predict(X_test.head(3)))}")
    print(f"UI:          make ui → Models → {NAME}")
    return champion.version


if __name__ == "__main__":
    main()
