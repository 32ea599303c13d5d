"""31 · Team server — bonus « support du multi-utilisateur »

What you learn
  * a server with users: `mlflow server --app-name basic-auth` (`make stack-up` runs two of
    them over one PostgreSQL, which keeps the runs and also the users and permissions)
  * the admin adds users: auth = mlflow.server.get_app_client("basic-auth", tracking_uri=...),
    then auth.create_user(username, password), a password of 12 characters at least
  * who you are is two variables: MLFLOW_TRACKING_USERNAME, MLFLOW_TRACKING_PASSWORD
  * a creator gets MANAGE on their experiment or registered model, the others the server's
    default_permission, READ: bob reads alice's work, and his writes get HTTP 403
  * alice shares: auth.grant_user_permission("bob", "experiment", experiment_id, "EDIT"), or
    "registered_model" by name; "DENY" hides an experiment from bob's search_experiments;
    auth.get_user_permission / auth.revoke_user_permission read and undo a grant
  * no credentials: HTTP 401; a wrong password: one 401 at once (the client does not retry it)
  MLflow 3.17: grant_user_permission replaces create_*_permission; use DENY, not NO_PERMISSIONS

Run:  python scripts/code_31_team_server.py   (or: make run N=31), after make stack-up
UI:   http://127.0.0.1:15000, logged in as alice → 31-team-shared; Models → iris-team
Prev: code_30_rest_serving.py · Next: code_32_useful_artifacts.py (the artifacts worth logging)
"""

import os
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import mlflow
import mlflow.server
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LogisticRegression

import course

ALICE, BOB = ("alice", "alice-course-pass"), ("bob", "bob-course-pass")  # >= 12 characters
ADMIN = (course.STACK_ADMIN_USERNAME, course.STACK_ADMIN_PASSWORD)
EXPERIMENT, PRIVATE = "31-team-shared", "31-team-private"
REGISTERED = "iris-team"


@contextmanager
def unless(error_code: str) -> Iterator[None]:
    """Tolerate the one error that says there is nothing to do: a replay goes on."""
    try:
        yield
    except MlflowException as error:
        if error.error_code != error_code:
            raise


def status(call: Callable[..., object], *args: object, **kwargs: object) -> int:
    """200 if the call went through, else the HTTP status the server refused it with."""
    try:
        call(*args, **kwargs)
    except MlflowException as error:
        return error.get_http_status_code()
    return 200


def log_a_run(experiment_id: str) -> None:
    with mlflow.start_run(experiment_id=experiment_id, run_name="bob-run"):
        mlflow.log_param("reviewer", "bob")


def main() -> None:
    # 1. Both servers, or stop in seconds: MLflow's client would retry for minutes.
    uri = os.environ.get("MLFLOW_TRACKING_URI", "")
    uri = uri if uri.startswith(course.HTTP_SCHEMES) else course.STACK_TRACKING_URI
    for server in (uri, course.STACK_TRACKING_URI_2):
        course.check_server(server, "The team servers are not running: `make stack-up`.")
    mlflow.set_tracking_uri(uri)
    client = mlflow.MlflowClient(uri)
    # The auth client imports starlette's deprecated WSGI module: MLflow's warning, not yours.
    warnings.filterwarnings("ignore", message="starlette.middleware.wsgi is deprecated")
    auth = mlflow.server.get_app_client("basic-auth", tracking_uri=uri)

    # 2. Only an admin adds users. Get-or-create: a replay finds them there.
    with course.as_user(*ADMIN):
        for username, password in (ALICE, BOB):
            with unless("RESOURCE_ALREADY_EXISTS"):
                auth.create_user(username, password)
    print(f"users:       {ALICE[0]}, {BOB[0]} (created by {ADMIN[0]})")

    # 3. Alice creates, so the server makes her MANAGE-r of the experiments and the model.
    #    She resets bob to the default on them (a replay starts where a newcomer does),
    #    denies him her private experiment, and logs a model in the shared one.
    with course.as_user(*ALICE):
        shared, private = map(course.get_or_create_experiment, (EXPERIMENT, PRIVATE))
        with unless("RESOURCE_ALREADY_EXISTS"):
            client.create_registered_model(REGISTERED)
        resources = {EXPERIMENT: ("experiment", shared), PRIVATE: ("experiment", private)}
        resources[REGISTERED] = ("registered_model", REGISTERED)
        for kind, key in resources.values():
            with unless("RESOURCE_DOES_NOT_EXIST"):
                auth.revoke_user_permission("bob", kind, key)
        auth.grant_user_permission("bob", "experiment", private, "DENY")
        X_train, X_test, y_train, y_test = course.load_iris_split()
        model = LogisticRegression(max_iter=200, random_state=course.RANDOM_STATE)
        pins = mlflow.sklearn.get_default_pip_requirements(include_skops=True)
        with mlflow.start_run(experiment_id=shared, run_name="alice-baseline"):
            mlflow.log_metric("accuracy", model.fit(X_train, y_train).score(X_test, y_test))
            info = mlflow.sklearn.log_model(model, name="model", pip_requirements=pins)

    # 4. Bob's writes: a run in alice's experiment, her model as a version of her model.
    def bob_writes() -> dict[str, int]:
        with course.as_user(*BOB):
            run = status(log_a_run, shared)
            version = status(
                client.create_model_version, REGISTERED, info.model_uri, model_id=info.model_id
            )
        return {"log a run": run, "add a version": version}

    print(f"bob, READ:   writes → {bob_writes()}")

    # 5. Alice shares: EDIT lets bob write (not delete, not share: that is MANAGE).
    with course.as_user(*ALICE):
        auth.grant_user_permission("bob", "experiment", shared, "EDIT")
        auth.grant_user_permission("bob", "registered_model", REGISTERED, "EDIT")
    print(f"bob, EDIT:   the same writes → {bob_writes()}")
    with course.as_user(*ADMIN):  # only an admin (or bob himself) may ask what bob may do
        granted = {n: auth.get_user_permission("bob", *r).permission for n, r in resources.items()}
    print(f"bob may:     {granted}")

    # 6. The private experiment is not hidden by a filter of bob's: the server drops it.
    #    The second server reads the same users and permissions, so answers the same.
    seen = {}
    with course.as_user(*BOB):
        for server in (uri, course.STACK_TRACKING_URI_2):
            found = mlflow.MlflowClient(server).search_experiments(filter_string="name LIKE '31-%'")
            seen[server] = sorted(e.name for e in found)
            print(f"bob sees:    {seen[server]} through {server}")
    assert PRIVATE not in seen[uri]
    assert seen[uri] == seen[course.STACK_TRACKING_URI_2]

    # 7. No credentials: 401. A wrong password: one 401, not retried (408, 429, 5xx are).
    try:
        urllib.request.urlopen(f"{uri}/api/2.0/mlflow/experiments/search?max_results=1")
    except urllib.error.HTTPError as error:
        print(f"no login:    HTTP {error.code} ({error.headers['WWW-Authenticate']})")
    start = time.monotonic()
    with course.as_user(BOB[0], "not-bobs-password"):
        failed = status(client.search_experiments, max_results=1)
    print(f"wrong pass:  HTTP {failed} after {time.monotonic() - start:.2f} s, not retried")
    print(f"UI:          {uri}, log in as {' / '.join(ALICE)}")


if __name__ == "__main__":
    main()
