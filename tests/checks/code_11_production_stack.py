"""Check for lesson 11, replayed against a real stack started for the test (PostgreSQL, SeaweedFS,
two mlflow servers with logins, on free ports), with the admin's login in its environment: the
rows in PostgreSQL, the objects in the bucket, and, after the whole stack is stopped and started
again, the model and its files, through either server."""

from __future__ import annotations

import os
from unittest import mock

import boto3
import mlflow
import psycopg2
from conftest import Lesson, stack_command

import course
from checks import check
from checks.common import reference_model

REGISTERED = "iris-production"


def settings(env: dict[str, str]) -> dict[str, str]:
    """The stack's addresses for the ports this test's stack uses."""
    pg, s3, server = env["COURSE_PG_PORT"], env["COURSE_S3_PORT"], env["COURSE_MLFLOW_PORT"]
    return {
        "dsn": f"postgresql://{course.STACK_PG_USER}:{course.STACK_PG_PASSWORD}"
        f"@127.0.0.1:{pg}/{course.STACK_PG_DB}",
        "s3": f"http://127.0.0.1:{s3}",
        "server": f"http://127.0.0.1:{server}",
        "server_2": f"http://127.0.0.1:{env['COURSE_MLFLOW_PORT_2']}",
    }


def bucket_keys(endpoint: str, prefix: str = "") -> set[str]:
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=course.STACK_S3_KEY,
        aws_secret_access_key=course.STACK_S3_SECRET,
        region_name="us-east-1",
    )
    listing = s3.list_objects_v2(Bucket=course.STACK_BUCKET, Prefix=prefix)
    return {item["Key"] for item in listing.get("Contents", [])}


# Two replays: the second registers version 2 and moves @champion to it (checked after a
# restart), and reuses the direct experiment the first created (one, two files under direct/).
@check("11", replays=2, needs_stack=True)
def production_stack(lesson: Lesson) -> None:
    where = settings(lesson.env)
    # The metadata is in PostgreSQL, as rows of MLflow's own tables.
    with psycopg2.connect(where["dsn"]) as db, db.cursor() as cursor:
        cursor.execute(
            "SELECT r.run_uuid, r.name, r.status FROM runs r JOIN experiments e "
            "ON r.experiment_id = e.experiment_id WHERE e.name = %s ORDER BY r.start_time",
            ("11-production-stack",),
        )
        runs = cursor.fetchall()
        cursor.execute(
            "SELECT version, source, run_id FROM model_versions WHERE name = %s ORDER BY version",
            (REGISTERED,),
        )
        versions = cursor.fetchall()
        cursor.execute(
            "SELECT name, artifact_location FROM experiments WHERE name = %s",
            ("11-production-stack-direct",),
        )
        direct = cursor.fetchone()
    assert [(name, status) for _, name, status in runs] == [("logreg-on-the-stack", "FINISHED")] * 2
    assert [(v, run_id) for v, _, run_id in versions] == [(1, runs[0][0]), (2, runs[1][0])]
    assert direct == ("11-production-stack-direct", f"s3://{course.STACK_BUCKET}/direct")

    # The files are objects in the bucket: each run's artifact and its model's files.
    keys = bucket_keys(where["s3"])
    for run_id, _, _ in runs:
        assert any(k.endswith(f"{run_id}/artifacts/notes/where.txt") for k in keys), keys
    for _, source, _ in versions:
        model_id = source.removeprefix("models:/")
        assert {f"models/{model_id}/artifacts/{name}" for name in ("MLmodel", "model.skops")} <= {
            k.split("/", 1)[1] for k in keys
        }
    assert len(bucket_keys(where["s3"], "direct/")) == 2  # one file per direct run

    # Stop everything, start it again: nothing is lost.
    for action in ("down", "up"):
        done = stack_command(action, lesson.env)
        assert done.returncode == 0, done.stdout + done.stderr
    assert bucket_keys(where["s3"]) == keys
    _, X_test, _, _ = course.load_iris_split()
    expected = reference_model().predict(X_test)
    login = {name: lesson.env[name] for name in course.STACK_CREDENTIALS}
    with mock.patch.dict(os.environ, {"MLFLOW_TRACKING_URI": where["server"], **login}):
        mlflow.set_tracking_uri(where["server"])
        try:
            model = mlflow.pyfunc.load_model(f"models:/{REGISTERED}@champion")
            client = mlflow.MlflowClient()
            assert int(client.get_model_version_by_alias(REGISTERED, "champion").version) == 2
            text = mlflow.artifacts.load_text(f"runs:/{runs[0][0]}/notes/where.txt")
        finally:
            mlflow.set_tracking_uri(None)
        # The second server serves the same store: the lesson wrote through the first only.
        other = mlflow.MlflowClient(where["server_2"])
        assert other.get_model_version_by_alias(REGISTERED, "champion").run_id == runs[1][0]
    assert list(model.predict(X_test)) == list(expected)
    assert text == "logged through the tracking server\n"
