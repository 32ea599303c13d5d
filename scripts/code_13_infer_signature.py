"""13 · Inferring a signature — Code 13 « Signature automatique avec infer_signature »

What you learn
  * derive the schema from real data:  mlflow.models.infer_signature(X_train, predictions)
  * from predict (a named string column) and from predict_proba (one float per class)
  * log a model whose pyfunc calls predict_proba:
        mlflow.sklearn.log_model(..., pyfunc_predict_fn="predict_proba", signature=...)
  * MLflow's hint about integer columns, and how to avoid it (float64 features)

Run:  python scripts/code_13_infer_signature.py   (or: make run N=13)
UI:   experiment 13-infer-signature → run "inferred-signatures" → Logged models:
      "classifier" and "probabilities", each with its Schema
Prev: code_12_signature.py · Next: code_14_manual_schema.py
"""

import warnings

import mlflow
import pandas as pd
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression

import course

EXPERIMENT = "13-infer-signature"
INTEGER_HINT = "Inferred schema contains integer column"


def main() -> str:
    course.use_experiment(EXPERIMENT)
    X_train, _, y_train, _ = course.load_iris_split()
    model = LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE)
    model.fit(X_train, y_train)
    requirements = mlflow.sklearn.get_default_pip_requirements(include_skops=True)

    # 1. Infer from what the model really receives and returns: column names and dtypes
    #    come from the DataFrame, the output name from the Series.
    labels = pd.Series(model.predict(X_train), name=course.TARGET)
    label_signature = infer_signature(X_train, labels)
    print(f"predict:        {label_signature.inputs.input_names()} → {label_signature.outputs}")

    # 2. predict_proba returns a float array, one column per class: a tensor (-1, 3).
    probabilities = model.predict_proba(X_train)
    proba_signature = infer_signature(X_train, probabilities)
    print(f"predict_proba:  → {proba_signature.outputs}  (classes {list(model.classes_)})")

    # 3. Integer columns cannot hold a missing value, so MLflow warns when it infers one:
    #    a NaN at serving time would turn the column into floats and break the contract.
    in_mm = (X_train * 10).round().astype("int64")  # the same flowers, in whole millimetres
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        integer_signature = infer_signature(in_mm)
    hint = next(str(w.message) for w in caught if INTEGER_HINT in str(w.message))
    print(
        f"integer hint:   {integer_signature.inputs.input_types()[0].name} → {hint.split('. ')[1]}"
    )
    # Avoided by declaring measurements as what they are, floats (course.load_iris_frame).
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning here would now be an error
        float_signature = infer_signature(in_mm.astype("float64"))
    print(f"as float64:     {float_signature.inputs.input_types()[0].name} → no hint")

    # 4. Each logged model carries the signature of what its pyfunc returns.
    with mlflow.start_run(run_name="inferred-signatures") as run:
        classifier = mlflow.sklearn.log_model(
            model, name="classifier", signature=label_signature, pip_requirements=requirements
        )
        probas = mlflow.sklearn.log_model(
            model,
            name="probabilities",
            signature=proba_signature,
            pyfunc_predict_fn="predict_proba",
            pip_requirements=requirements,
        )

    print(f"run id:         {run.info.run_id}")
    print(f"classifier:     {classifier.model_uri}  outputs {classifier.signature.outputs}")
    print(f"probabilities:  {probas.model_uri}  outputs {probas.signature.outputs}")
    print(f"UI:             make ui → experiment {EXPERIMENT} → run → Logged models")
    return run.info.run_id


if __name__ == "__main__":
    main()
