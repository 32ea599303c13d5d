"""12 · Signature and input example — Code 12 « Signature + Input Example »

What you learn
  * log a model with its contract:  mlflow.sklearn.log_model(model, name="model",
                                        signature=..., input_example=X_train.head(3))
  * what MLflow stores: the signature in the MLmodel file, input_example.json, and
    serving_input_example.json (a ready-made request body for `mlflow models serve`)
  * read it back:                   mlflow.models.get_model_info(model_uri).signature
  * why it matters: pyfunc checks every input against the signature, as a server does
    with each request, so a request with a missing column is refused, not mispredicted

Run:  python scripts/code_12_signature.py   (or: make run N=12)
UI:   experiment 12-signature → run "logreg-signature" → Logged models → model → Artifacts
      (MLmodel, serving_input_example.json); the Schema box lists inputs and outputs
Prev: code_11_production_stack.py · Next: code_13_infer_signature.py
"""

import json
import tempfile
from pathlib import Path

import mlflow
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression

import course

EXPERIMENT = "12-signature"
EXAMPLE_ROWS = 3


def main() -> str:
    course.use_experiment(EXPERIMENT)
    X_train, _, y_train, _ = course.load_iris_split()
    model = LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE)
    model.fit(X_train, y_train)

    with mlflow.start_run(run_name="logreg-signature") as run:
        # 1. The signature states the columns and types in, and what comes out. Here it is
        #    inferred from real data and predictions (lesson 13 shows infer_signature in
        #    detail, lesson 14 writes one by hand).
        predictions = pd.Series(model.predict(X_train), name=course.TARGET)
        signature = infer_signature(X_train, predictions)
        # 2. The input example is a few real rows, stored with the model: documentation a
        #    reader can trust, and a request body a server accepts as is.
        model_info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=signature,
            input_example=X_train.head(EXAMPLE_ROWS),
            pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
        )

    # 3. Both are part of the model's metadata now, whoever loads it.
    stored = mlflow.models.get_model_info(model_info.model_uri)
    print(f"run id:      {run.info.run_id}")
    print(f"model:       {model_info.model_uri}")
    print(f"inputs:      {stored.signature.inputs}")
    print(f"outputs:     {stored.signature.outputs}")
    print(f"example:     {stored.saved_input_example_info}")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(mlflow.artifacts.download_artifacts(model_info.model_uri, dst_path=tmp))
        mlmodel = (folder / "MLmodel").read_text(encoding="utf-8")
        signature_block = mlmodel[mlmodel.index("signature:") :].split("type_hint")[0]
        print(f"files:       {sorted(p.name for p in folder.iterdir())}")
        print(f"MLmodel:\n  {signature_block.strip().replace(chr(10), chr(10) + '  ')}")
        request = json.loads((folder / "serving_input_example.json").read_text("utf-8"))

    # 4. A server parses each request body into a DataFrame and runs it through pyfunc,
    #    which enforces the signature first. The stored example passes...
    pyfunc_model = mlflow.pyfunc.load_model(model_info.model_uri)
    body = request["dataframe_split"]
    answer = pyfunc_model.predict(pd.DataFrame(body["data"], columns=body["columns"]))
    print(f"request:     serving_input_example.json → {list(answer)}")

    # 5. ...and a request whose columns do not match is refused with a clear reason.
    misnamed = pd.DataFrame(body["data"], columns=[*body["columns"][:-1], "petal_w"])
    try:
        pyfunc_model.predict(misnamed)
    except MlflowException as error:
        print(f"refused:     column petal_w → {str(error).split('Error: ')[-1].splitlines()[0]}")
    print(f"UI:          make ui → experiment {EXPERIMENT} → the run's model → Artifacts")
    return run.info.run_id


if __name__ == "__main__":
    main()
