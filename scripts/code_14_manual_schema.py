"""14 · A signature by hand — Code 14 « Signature manuelle avec Schema/ColSpec »

What you learn
  * write the contract yourself:  ModelSignature(inputs=Schema([ColSpec("double", name)...]),
                                                 outputs=Schema([ColSpec("string", "species")]))
  * the tensor variant, for models fed NumPy arrays:  TensorSpec(np.dtype("float64"), (-1, 4))
  * schema enforcement at work: mlflow.pyfunc.load_model(uri).predict(...) accepts a
    well-formed input and refuses a missing column, an integer column, a wrong shape
  (mlflow.sklearn.load_model returns the bare estimator: it enforces nothing.)

Run:  python scripts/code_14_manual_schema.py   (or: make run N=14)
UI:   experiment 14-manual-schema → run "manual-schema" → models "columns" and "tensor"
      → Schema; Artifacts → enforcement.json (each input tried, accepted or refused)
Prev: code_13_infer_signature.py · Next: code_15_pyfunc_wrapper.py
"""

import mlflow
import numpy as np
from mlflow.exceptions import MlflowException
from mlflow.models import ModelSignature
from mlflow.types import ColSpec, Schema, TensorSpec
from sklearn.linear_model import LogisticRegression

import course

EXPERIMENT = "14-manual-schema"
ROWS = 5

# Named double columns in, one string column out: every name and type chosen on purpose.
COLUMNS_SIGNATURE = ModelSignature(
    inputs=Schema([ColSpec("double", name) for name in course.FEATURES]),
    outputs=Schema([ColSpec("string", course.TARGET)]),
)
# A tensor has no names: only a dtype and a shape (-1: any number of rows).
TENSOR_SIGNATURE = ModelSignature(
    inputs=Schema([TensorSpec(np.dtype("float64"), (-1, len(course.FEATURES)))]),
    outputs=Schema([TensorSpec(np.dtype("object"), (-1,))]),
)


def main() -> str:
    course.use_experiment(EXPERIMENT)
    X_train, X_test, y_train, _ = course.load_iris_split()
    requirements = mlflow.sklearn.get_default_pip_requirements(include_skops=True)

    # 1. One model per signature: the tensor one is trained on an array, so it is never
    #    asked for feature names it does not know.
    with mlflow.start_run(run_name="manual-schema") as run:
        on_frame = LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE)
        on_array = LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE)
        columns_info = mlflow.sklearn.log_model(
            on_frame.fit(X_train, y_train),
            name="columns",
            signature=COLUMNS_SIGNATURE,
            pip_requirements=requirements,
        )
        tensor_info = mlflow.sklearn.log_model(
            on_array.fit(X_train.to_numpy(), y_train),
            name="tensor",
            signature=TENSOR_SIGNATURE,
            pip_requirements=requirements,
        )

        # 2. pyfunc checks every input against the signature before the model sees it.
        columns = mlflow.pyfunc.load_model(columns_info.model_uri)
        tensor = mlflow.pyfunc.load_model(tensor_info.model_uri)
        rows = X_test.head(ROWS)
        trials = {
            "columns: well-formed DataFrame": (columns, rows),
            "columns: petal_width missing": (columns, rows.drop(columns="petal_width")),
            "columns: int64 instead of double": (columns, (rows * 10).astype("int64")),
            "tensor: float64 array (n, 4)": (tensor, rows.to_numpy()),
            "tensor: array of shape (n, 3)": (tensor, rows.to_numpy()[:, :3]),
        }
        outcomes = {}
        for label, (model, data) in trials.items():
            try:
                outcomes[label] = f"accepted: {list(model.predict(data))}"
            except MlflowException as error:
                # MLflow's message quotes the whole input; its last part is the reason.
                outcomes[label] = f"refused: {str(error).split('Error: ')[-1].splitlines()[0]}"
            print(f"{label:34} {outcomes[label]}")

        # 3. Keep the verdicts with the run: the UI shows them beside the two schemas.
        mlflow.log_dict(outcomes, "enforcement.json")

    print(f"run id:   {run.info.run_id}")
    print(f"columns:  {columns_info.model_uri}  inputs {columns_info.signature.inputs}")
    print(f"tensor:   {tensor_info.model_uri}  inputs {tensor_info.signature.inputs}")
    print(f"UI:       make ui → experiment {EXPERIMENT} → run → Logged models, Artifacts")
    return run.info.run_id


if __name__ == "__main__":
    main()
