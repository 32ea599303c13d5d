"""30 · Serving over REST — bonus « Déploiement local simple (serveur REST) »

What you learn
  * serve a registered model:  mlflow models serve -m models:/iris-classifier@champion
                                   --env-manager local --host 127.0.0.1 --port <port>
  * wait for GET /ping, then POST /invocations in each format MLflow 3 accepts:
    dataframe_split, dataframe_records, inputs, instances (JSON) and CSV (text/csv)
  * the answer is always {"predictions": [...]}; the signature is enforced per request
  * the {"data": [[...]]} payload of older tutorials gets HTTP 400, and how to fix it
  The bonus lesson follows section 7 of the course's best-practice note. Keep a server
  running yourself with `make serve` (curl examples in the README).

Run:  python scripts/code_30_rest_serving.py   (or: make run N=30)
UI:   experiment 30-serving → run "rest-requests" → Artifacts → responses.json
Prev: code_29 (CLI) · Next: code_31_team_server.py (a team's authenticated server)
"""

import json
import os
import sys
import urllib.error
import urllib.request

import mlflow

import course

EXPERIMENT = "30-serving"
PORT_ENV = "COURSE_SERVE_PORT"  # a fixed port; by default a free one is picked
MODEL_ENV = "COURSE_SERVE_MODEL"  # another model URI; by default the registry's champion
ROWS = 3
OLD_PAYLOAD = {"data": [[5.1, 3.5, 1.4, 0.2]]}  # MLflow 1.x, still in many tutorials


def post(url: str, body: str, content_type: str) -> tuple[int, dict | str]:
    """POST a body; the HTTP status and the decoded answer, whether 200 or an error."""
    request = urllib.request.Request(url, body.encode(), {"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    try:
        return status, json.loads(text)
    except json.JSONDecodeError:
        return status, text


def main() -> str:
    # 1. Its own port, checked first: a taken port would otherwise fail deep in uvicorn.
    port = course.lesson_port(PORT_ENV, "its model server")
    url = f"http://{course.LOOPBACK}:{port}"
    course.use_experiment(EXPERIMENT)
    model_uri = os.environ.get(MODEL_ENV) or course.register_champion_if_missing()
    _, X_test, _, _ = course.load_iris_split()
    rows = X_test.head(ROWS)
    # 2. --env-manager local: the model runs in this venv, which has the pinned packages.
    #    The default, virtualenv, rebuilds the model's environment and first needs pyenv:
    #    without it, "Could not find the pyenv binary" (docs/troubleshooting.md §12). The
    #    server runs `uvicorn` and must find this venv's, and the same store: both go
    #    through its environment.
    command = [sys.executable, "-m", "mlflow", "models", "serve", "-m", model_uri]
    command += ["--port", str(port), "--host", course.LOOPBACK, "--env-manager", "local"]
    env = course.venv_env(MLFLOW_TRACKING_URI=mlflow.get_tracking_uri())
    print(f"serving:     {model_uri} at {url}")

    # 3. The same rows in every format the scoring protocol accepts.
    json_bodies = {
        "dataframe_split": {"dataframe_split": rows.to_dict(orient="split", index=False)},
        "dataframe_records": {"dataframe_records": rows.to_dict(orient="records")},
        "inputs": {"inputs": rows.to_dict(orient="records")},
        "instances": {"instances": rows.to_dict(orient="records")},
        "old {'data': ...}": OLD_PAYLOAD,
        "the fix": {"dataframe_split": {"columns": course.FEATURES, "data": OLD_PAYLOAD["data"]}},
    }
    requests = {name: (json.dumps(body), "application/json") for name, body in json_bodies.items()}
    requests["csv"] = (rows.to_csv(index=False), "text/csv")
    responses = {}
    what = "mlflow models serve"
    with course.background_server(command, f"{url}/ping", what=what, env=env) as server:
        print(f"server:      pid {server.pid}, GET /ping answered")
        # The same model by hand, from the repository root: runs:/ names the run that logged
        # it (its MLmodel file says which), as section 7 of the best-practice note writes it.
        info = mlflow.models.get_model_info(model_uri)
        by_run = f"runs:/{info.run_id}/{info.name}" if info.run_id and info.name else model_uri
        print(f"by hand:     mlflow models serve -m {by_run} --port 1234 --env-manager local")
        for name, (body, content_type) in requests.items():
            status, answer = post(f"{url}/invocations", body, content_type)
            responses[name] = {"status": status, "content_type": content_type, "answer": answer}
            shown = answer["predictions"] if status == 200 else answer.get("error_code")
            print(f"  {name:<18} HTTP {status}  {shown}")
    print(f"stopped:     pid {server.pid} (exit code {server.returncode})")

    # 4. Why the old payload fails, in MLflow's own words (first sentence of its answer).
    old = responses["old {'data': ...}"]["answer"]["message"]
    print(f"old payload: {old.split('. ')[0]}.")
    print("fix:         since MLflow 2.0 the rows go under dataframe_split (with the column")
    print("             names), dataframe_records, inputs or instances: see 'the fix' above")

    # 5. Keep the exchange with the run: what was asked, what the server answered.
    with mlflow.start_run(run_name="rest-requests") as run:
        mlflow.log_params({"model_uri": model_uri, "rows": ROWS})
        mlflow.log_dict(
            {"rows": rows.to_dict(orient="split", index=False), "responses": responses},
            "responses.json",
        )
    print(f"run id:      {run.info.run_id}")
    print(f"UI:          make ui → experiment {EXPERIMENT} → run 'rest-requests' → Artifacts")
    return run.info.run_id


if __name__ == "__main__":
    main()
