"""Check for lesson 31, replayed twice against a stack started for the test (two basic-auth
servers over one PostgreSQL): the users and the permissions the lesson set, read back as the
admin through both servers; in PostgreSQL, the writes bob was allowed and none of those he was
refused; the private experiment there, yet missing from bob's search on either server."""

from __future__ import annotations

import re
import warnings

import mlflow
import psycopg2
from conftest import Lesson

import course
from checks import check

with warnings.catch_warnings():  # MLflow's auth client imports starlette's deprecated WSGI
    warnings.filterwarnings("ignore", message="starlette.middleware.wsgi is deprecated")
    from mlflow.server.auth.client import AuthServiceClient

ALICE, BOB = ("alice", "alice-course-pass"), ("bob", "bob-course-pass")
SHARED, PRIVATE, REGISTERED = "31-team-shared", "31-team-private", "iris-team"


def stack(env: dict[str, str]) -> tuple[str, list[str], tuple[str, str]]:
    """The PostgreSQL DSN, the two servers' URIs and the admin's credentials of the stack this
    test started (its ports and settings are in the lesson's environment)."""
    port = env.get("COURSE_PG_PORT", str(course.STACK_PG_PORT))
    dsn = (
        f"postgresql://{course.STACK_PG_USER}:{course.STACK_PG_PASSWORD}"
        f"@127.0.0.1:{port}/{course.STACK_PG_DB}"
    )
    servers = [
        f"http://127.0.0.1:{env.get(name, default)}"
        for name, default in (
            ("COURSE_MLFLOW_PORT", course.STACK_MLFLOW_PORT),
            ("COURSE_MLFLOW_PORT_2", course.STACK_MLFLOW_PORT_2),
        )
    ]
    admin = (
        env.get("COURSE_ADMIN_USERNAME", course.STACK_ADMIN_USERNAME),
        env.get("COURSE_ADMIN_PASSWORD", course.STACK_ADMIN_PASSWORD),
    )
    return dsn, servers, admin


def names_seen(server: str, user: tuple[str, str]) -> list[str]:
    with course.as_user(*user):
        found = mlflow.MlflowClient(server).search_experiments(filter_string="name LIKE '31-%'")
    return sorted(experiment.name for experiment in found)


@check("31", replays=2, needs_stack=True)
def team_server(lesson: Lesson) -> None:
    replays = len(lesson.outputs)
    dsn, servers, admin = stack(lesson.env)

    # Each replay: bob refused (403) with READ, allowed (200) with EDIT; one 401 each way.
    for output in lesson.outputs:
        assert "bob, READ:   writes → {'log a run': 403, 'add a version': 403}" in output, output
        assert "the same writes → {'log a run': 200, 'add a version': 200}" in output, output
        assert "no login:    HTTP 401" in output, output
        seconds = float(re.search(r"wrong pass:  HTTP 401 after ([\d.]+) s", output)[1])
        assert seconds < 5, output  # one refusal, not a retry loop

    # In PostgreSQL: per replay one run of alice and one of bob (his refused run left no row),
    # and one version (his refused version left none), each from alice's run of that replay.
    with psycopg2.connect(dsn) as db, db.cursor() as cursor:
        cursor.execute(
            "SELECT r.name, r.user_id, r.status, r.run_uuid FROM runs r JOIN experiments e "
            "ON r.experiment_id = e.experiment_id WHERE e.name = %s ORDER BY r.start_time",
            (SHARED,),
        )
        runs = cursor.fetchall()
        cursor.execute(
            "SELECT version, run_id FROM model_versions WHERE name = %s ORDER BY version",
            (REGISTERED,),
        )
        versions = cursor.fetchall()
        cursor.execute(
            "SELECT name, lifecycle_stage FROM experiments WHERE name LIKE '31-%%' ORDER BY name"
        )
        experiments = cursor.fetchall()
    assert [row[:3] for row in runs] == [
        ("alice-baseline", "alice", "FINISHED"),
        ("bob-run", "bob", "FINISHED"),
    ] * replays
    alice_runs = [run_uuid for name, _, _, run_uuid in runs if name == "alice-baseline"]
    assert versions == [(n, run_id) for n, run_id in enumerate(alice_runs, start=1)]
    assert experiments == [(PRIVATE, "active"), (SHARED, "active")]

    # Read back as the admin, through each server: the users, and what each may do.
    answers = []
    for server in servers:
        auth = AuthServiceClient(server)  # what mlflow.server.get_app_client("basic-auth") gives
        with course.as_user(*admin):
            ids = {
                name: mlflow.MlflowClient(server).get_experiment_by_name(name).experiment_id
                for name in (SHARED, PRIVATE)
            }
            users = [auth.get_user(name) for name, _ in (ALICE, BOB)]
            may = {
                (user, name): auth.get_user_permission(user, kind, key).permission
                for user, _ in (ALICE, BOB)
                for name, kind, key in (
                    (SHARED, "experiment", ids[SHARED]),
                    (PRIVATE, "experiment", ids[PRIVATE]),
                    (REGISTERED, "registered_model", REGISTERED),
                )
            }
        assert [(u.username, u.is_admin) for u in users] == [("alice", False), ("bob", False)]
        assert may == {
            ("alice", SHARED): "MANAGE",  # the creator's, granted by the server
            ("alice", PRIVATE): "MANAGE",
            ("alice", REGISTERED): "MANAGE",
            ("bob", SHARED): "EDIT",
            ("bob", PRIVATE): "DENY",
            ("bob", REGISTERED): "EDIT",
        }
        answers.append((ids, may))
    assert answers[0] == answers[1]

    # Bob's search misses the private experiment on both servers; the admin's and alice's find it.
    for server in servers:
        assert names_seen(server, BOB) == [SHARED]
        assert names_seen(server, ALICE) == [PRIVATE, SHARED]
        assert names_seen(server, admin) == [PRIVATE, SHARED]
