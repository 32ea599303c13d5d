"""15 · Pyfunc wrapper — Code 15 « Pyfunc Wrapper »

What you learn
  * put any model behind MLflow's one interface:  class IrisSpecies(mlflow.pyfunc.PythonModel)
  * open its files once, when it is loaded:       load_context(context) → context.artifacts[...]
  * predict, in either accepted form: predict(self, context, model_input, params=None), or,
    since MLflow 2.20, predict(self, model_input, params=None) when `context` goes unused
    (here). Type hints like list[str] give a signature and input checks; pd.DataFrame
    names no columns, so here the input example gives the signature
  * models from code, MLflow's recommended form:  mlflow.models.set_model(IrisSpecies()), then
        mlflow.pyfunc.log_model(name="model", python_model=<this file>, artifacts={...},
                                code_paths=[...], input_example=..., pip_requirements=[...])
  * use it like any other model:                  mlflow.pyfunc.load_model(uri).predict(df)

Run:  python scripts/code_15_pyfunc_wrapper.py   (or: make run N=15)
UI:   experiment 15-pyfunc-wrapper → run "species-wrapper" → Logged models → model → Artifacts
      (this very file, artifacts/classifier.skops, code/course.py)
Prev: code_14_manual_schema.py · Next: code_16_conda_env.py
"""

import tempfile
from pathlib import Path

import mlflow
import pandas as pd
import skops.io
from sklearn.linear_model import LogisticRegression

import course

EXPERIMENT = "15-pyfunc-wrapper"
MODEL_FILE = Path(__file__).resolve()
MODEL_PACKAGES = ["mlflow", "scikit-learn", "skops", "pandas"]


class IrisSpecies(mlflow.pyfunc.PythonModel):
    """The Iris classifier behind pyfunc: the species name and how sure the model is."""

    def load_context(self, context: mlflow.pyfunc.PythonModelContext) -> None:
        # Once per load, not per call. context.artifacts maps each name to a local copy.
        self.classifier = skops.io.load(context.artifacts["classifier"])

    # No `context`: MLflow reads this signature and passes the context only to a predict
    # that asks for it (a parameter named context, or two inputs besides params).
    def predict(self, model_input: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
        probabilities = self.classifier.predict_proba(model_input[course.FEATURES])
        return pd.DataFrame(
            {
                "species": self.classifier.classes_[probabilities.argmax(axis=1)],
                "probability": probabilities.max(axis=1),
            }
        )


# Models from code: loading the model runs this file again (as a module, so main() does not
# run); set_model tells MLflow which object is the model.
mlflow.models.set_model(IrisSpecies())


def main() -> str:
    course.use_experiment(EXPERIMENT)
    X_train, X_test, y_train, y_test = course.load_iris_split()

    with tempfile.TemporaryDirectory() as tmp, mlflow.start_run(run_name="species-wrapper") as run:
        # 1. The wrapped model travels as a file. skops stores it without pickle, so opening
        #    it cannot run code.
        classifier = LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE)
        classifier.fit(X_train, y_train)
        classifier_file = Path(tmp) / "classifier.skops"
        skops.io.dump(classifier, classifier_file)

        # 2. MLflow 3: older tutorials pass an object, python_model=IrisSpecies(), which is
        #    cloudpickled, and MLflow now warns about it. Passing this file's path stores the
        #    code itself. The file imports course.py, so code_paths ships it along; artifacts
        #    are copied into the model. A pd.DataFrame type hint names no columns: the
        #    signature comes from the input example.
        model_info = mlflow.pyfunc.log_model(
            name="model",
            python_model=MODEL_FILE,
            artifacts={"classifier": str(classifier_file)},
            code_paths=[str(course.SCRIPTS_DIR / "course.py")],
            input_example=X_test.head(3),
            pip_requirements=[
                f"{name}=={version}"
                for name, version in course.installed_versions(MODEL_PACKAGES).items()
            ],
        )

    # 3. Loaded back it is a plain pyfunc: DataFrame in, DataFrame out, whatever is inside.
    wrapper = mlflow.pyfunc.load_model(model_info.model_uri)
    predictions = wrapper.predict(X_test)
    assert list(predictions["species"]) == list(classifier.predict(X_test))
    accuracy = (predictions["species"] == y_test.to_numpy()).mean()

    print(f"run id:      {run.info.run_id}")
    print(f"model:       {model_info.model_uri}  (python_function, code {MODEL_FILE.name})")
    print(f"signature:   {model_info.signature.inputs.input_names()}")
    print(f"          →  {model_info.signature.outputs.input_names()}")
    print(f"accuracy:    {accuracy:.3f} on {len(X_test)} test flowers; the first five:")
    print(predictions.head().to_string(float_format="{:.3f}".format))
    print(f"UI:          make ui → experiment {EXPERIMENT} → run 'species-wrapper' → model")
    return run.info.run_id


if __name__ == "__main__":
    main()
