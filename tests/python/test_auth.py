"""Authentication and permissions (`aviary server --auth`) driven by the real mlflow client.

The module starts its own Aviary with --auth on a fresh data folder. Users authenticate as the
mlflow client does: MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD (HTTP Basic) or
MLFLOW_TRACKING_TOKEN (bearer). Users and grants are made with MLflow's own
`get_app_client("basic-auth", ...)`.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from pathlib import Path

import mlflow
from mlflow.server import get_app_client
import pytest
import requests
from mlflow.exceptions import MlflowException, RestException

from conftest import OUTPUT, REPO, TARGET, _free_port, _stop, _wait_healthy, server_log, unique_name

pytestmark = pytest.mark.skipif(TARGET != "aviary", reason="starts its own Aviary with --auth")

ADMIN_PASSWORD = "admin-Pw-4e1b9c"


@pytest.fixture(scope="module")
def auth_url(store_flags):
    OUTPUT.mkdir(exist_ok=True)
    log = server_log("aviary-auth")
    with tempfile.TemporaryDirectory(prefix="aviary-auth-test-") as data, open(log, "wb") as out:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "AVIARY_ADMIN_PASSWORD": ADMIN_PASSWORD}
        proc = subprocess.Popen(["node", str(REPO / "bin" / "aviary.js"), "server", "--auth", "--host", "127.0.0.1",
                                 "--port", str(port), "--data-dir", data, *store_flags()], cwd=REPO, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        try:
            _wait_healthy(url, proc, log, 20)
            yield url
        finally:
            _stop(proc)
    assert ADMIN_PASSWORD not in log.read_text(errors="replace"), "the admin password reached the server log"


@contextlib.contextmanager
def credentials(username: str | None = None, password: str | None = None, token: str | None = None):
    """The mlflow client reads these variables at each request."""
    keys = ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN")
    saved = {k: os.environ.pop(k, None) for k in keys}
    for key, value in zip(keys, (username, password, token)):
        if value is not None:
            os.environ[key] = value
    try:
        yield
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None)
            if value is not None:
                os.environ[key] = value


def as_admin():
    return credentials("admin", ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def users(auth_url):
    """Two users made by an admin through MLflow's AuthServiceClient: {name: password}."""
    made = {unique_name("alice"): "alice-Pw-1", unique_name("bob"): "bob-Pw-2"}
    with as_admin():
        auth = get_app_client("basic-auth", tracking_uri=auth_url)
        for name, password in made.items():
            user = auth.create_user(name, password)
            assert user.username == name and user.is_admin is False
        assert auth.get_user(next(iter(made))).username == next(iter(made))
    return made


def as_user(users, index: int):
    """(name, a function giving a fresh context with that user's credentials)."""
    name, password = list(users.items())[index]
    return name, lambda: credentials(name, password)


def denied(exc: pytest.ExceptionInfo) -> str:
    return exc.value.error_code if isinstance(exc.value, MlflowException) else str(exc.value)


def test_unauthenticated_calls_are_refused_with_401(auth_url):
    r = requests.post(f"{auth_url}/api/2.0/mlflow/experiments/delete", json={"experiment_id": "0"}, timeout=10)
    assert r.status_code == 401
    assert r.json()["error_code"] == "UNAUTHENTICATED"
    assert r.headers["WWW-Authenticate"] == 'Basic realm="aviary"'
    with credentials("admin", "wrong-password"), pytest.raises(MlflowException) as exc:
        mlflow.MlflowClient(auth_url).search_experiments()
    assert "401" in str(exc.value) or "UNAUTHENTICATED" in str(exc.value)
    with as_admin():
        assert mlflow.MlflowClient(auth_url).get_experiment("0").lifecycle_stage == "active"


def test_experiment_levels_read_edit_manage(auth_url, users, tmp_path):
    alice, alice_creds = as_user(users, 0)
    bob, bob_creds = as_user(users, 1)
    client = mlflow.MlflowClient(auth_url)
    with alice_creds():
        exp = client.create_experiment(unique_name("alice-exp"))
        run = client.create_run(exp).info.run_id
        client.log_metric(run, "auc", 0.9)
        (tmp_path / "report.txt").write_text("alice's report")
        client.log_artifact(run, str(tmp_path / "report.txt"))
    with bob_creds():  # default READ
        assert client.get_run(run).data.metrics == {"auc": 0.9}
        dst = client.download_artifacts(run, "report.txt", str(tmp_path / "down"))
        assert Path(dst).read_text() == "alice's report"
        with pytest.raises(MlflowException) as exc:
            client.log_metric(run, "auc", 0.1)
        assert denied(exc) == "PERMISSION_DENIED"
        with pytest.raises(Exception, match="PERMISSION_DENIED"):  # the upload's own HTTPError, with the 403's body
            client.log_artifact(run, str(tmp_path / "report.txt"), artifact_path="bob")
        with pytest.raises(MlflowException) as exc:
            client.create_run(exp)
        assert denied(exc) == "PERMISSION_DENIED"
    with alice_creds():
        get_app_client("basic-auth", tracking_uri=auth_url).grant_user_permission(bob, "experiment", exp, "EDIT")
    with bob_creds():  # EDIT: logs, uploads; cannot delete
        client.log_metric(run, "auc", 0.95)
        client.log_artifact(run, str(tmp_path / "report.txt"), artifact_path="bob")
        with pytest.raises(MlflowException) as exc:
            client.delete_run(run)
        assert denied(exc) == "PERMISSION_DENIED"
        with pytest.raises(MlflowException):
            get_app_client("basic-auth", tracking_uri=auth_url).grant_user_permission(bob, "experiment", exp, "MANAGE")
    with alice_creds():
        client.delete_run(run)


def test_searches_return_only_what_the_user_may_read(auth_url, users):
    _, alice_creds = as_user(users, 0)
    bob, bob_creds = as_user(users, 1)
    client = mlflow.MlflowClient(auth_url)
    prefix = unique_name("hidden")
    with alice_creds():
        secret_exp = client.create_experiment(f"{prefix}-secret")
        open_exp = client.create_experiment(f"{prefix}-open")
        client.create_run(secret_exp)
        client.create_registered_model(f"{prefix}-model")
        auth = get_app_client("basic-auth", tracking_uri=auth_url)
        auth.grant_user_permission(bob, "experiment", secret_exp, "NO_PERMISSIONS")
        auth.grant_user_permission(bob, "registered_model", f"{prefix}-model", "NO_PERMISSIONS")
    with bob_creds():
        names = [e.name for e in client.search_experiments(filter_string=f"name LIKE '{prefix}%'", max_results=1)]
        assert names == [f"{prefix}-open"]
        assert list(client.search_runs([secret_exp])) == []
        assert client.search_registered_models(filter_string=f"name = '{prefix}-model'") == []
        with pytest.raises(MlflowException):
            client.get_experiment(secret_exp)
        assert client.get_experiment(open_exp).name == f"{prefix}-open"
    with alice_creds():
        assert len(client.search_runs([secret_exp])) == 1


def test_registry_aliases_need_manage(auth_url, users):
    _, alice_creds = as_user(users, 0)
    bob, bob_creds = as_user(users, 1)
    client = mlflow.MlflowClient(auth_url)
    name = unique_name("snia")
    with alice_creds():
        exp = client.create_experiment(unique_name("snia-exp"))
        run = client.create_run(exp).info.run_id
        client.create_registered_model(name)
        client.create_model_version(name, f"runs:/{run}/model", run_id=run)
        client.set_registered_model_alias(name, "champion", "1")
        get_app_client("basic-auth", tracking_uri=auth_url).grant_user_permission(bob, "registered_model", name, "EDIT")
    with bob_creds():
        assert client.get_model_version_by_alias(name, "champion").version == "1"
        client.update_model_version(name, "1", description="checked by bob")
        with pytest.raises(MlflowException) as exc:
            client.set_registered_model_alias(name, "champion", "1")
        assert denied(exc) == "PERMISSION_DENIED"
        with pytest.raises(MlflowException):
            client.delete_registered_model_alias(name, "champion")
        with pytest.raises(MlflowException):
            client.delete_registered_model(name)
    with alice_creds():
        get_app_client("basic-auth", tracking_uri=auth_url).grant_user_permission(bob, "registered_model", name, "MANAGE")
    with bob_creds():
        client.set_registered_model_alias(name, "candidate", "1")
        assert client.get_registered_model(name).aliases == {"champion": "1", "candidate": "1"}


def test_graphql_fields_need_what_their_rest_endpoints_need(auth_url, users):
    alice, alice_creds = as_user(users, 0)
    bob, _ = as_user(users, 1)
    client = mlflow.MlflowClient(auth_url)
    prefix = unique_name("gql")
    with alice_creds():
        secret_exp = client.create_experiment(f"{prefix}-secret")
        secret_run = client.create_run(secret_exp).info.run_id
        client.log_metric(secret_run, "auc", 0.9)
        open_run = client.create_run(client.create_experiment(f"{prefix}-open")).info.run_id
        client.create_registered_model(f"{prefix}-model")
        client.create_model_version(f"{prefix}-model", f"runs:/{open_run}/model", run_id=open_run)
        auth = get_app_client("basic-auth", tracking_uri=auth_url)
        auth.grant_user_permission(bob, "experiment", secret_exp, "NO_PERMISSIONS")
        auth.grant_user_permission(bob, "registered_model", f"{prefix}-model", "NO_PERMISSIONS")
    query = f"""{{
        exp: mlflowGetExperiment(input: {{experimentId: "{secret_exp}"}}) {{ experiment {{ name }} }}
        run: mlflowGetRun(input: {{runId: "{secret_run}"}}) {{ run {{ info {{ runId }} }} }}
        files: mlflowListArtifacts(input: {{runId: "{secret_run}"}}) {{ rootUri }}
        history: mlflowGetMetricHistoryBulkInterval(input: {{runIds: ["{secret_run}"], metricKey: "auc"}}) {{ metrics {{ value }} }}
        search: mlflowSearchRuns(input: {{experimentIds: ["{secret_exp}"]}}) {{ runs {{ info {{ runId }} }} }}
        versions: mlflowSearchModelVersions(input: {{filter: "name = '{prefix}-model'"}}) {{ modelVersions {{ version }} }}
        openRun: mlflowGetRun(input: {{runId: "{open_run}"}}) {{ run {{ modelVersions {{ version }} }} }}
    }}"""

    def ask(user):
        r = requests.post(f"{auth_url}/graphql", json={"query": query}, auth=(user, users[user]), timeout=30)
        assert r.status_code == 200, r.text
        return r.json()

    assert requests.post(f"{auth_url}/graphql", json={"query": query}, timeout=10).status_code == 401
    seen_by_alice = ask(alice)
    assert seen_by_alice["errors"] is None
    assert seen_by_alice["data"]["run"]["run"]["info"]["runId"] == secret_run
    assert seen_by_alice["data"]["versions"]["modelVersions"] == [{"version": "1"}]
    seen_by_bob = ask(bob)
    data = seen_by_bob["data"]
    assert [data[k] for k in ("exp", "run", "files", "history")] == [None] * 4
    assert len(seen_by_bob["errors"]) == 4 and all("Permission denied" in e for e in seen_by_bob["errors"])
    assert data["search"] == {"runs": []}
    assert data["versions"] == {"modelVersions": []}
    assert data["openRun"] == {"run": {"modelVersions": []}}


def test_tokens_work_with_the_client_and_stop_when_revoked(auth_url, users):
    bob, bob_creds = as_user(users, 1)
    password = users[bob]
    made = requests.post(f"{auth_url}/api/aviary/auth/tokens", json={"name": "ci"}, auth=(bob, password), timeout=10)
    assert made.status_code == 200
    secret, token_id = made.json()["secret"], made.json()["token"]["id"]
    with credentials(token=secret):
        client = mlflow.MlflowClient(auth_url)
        exp = client.create_experiment(unique_name("token-exp"))
        client.create_run(exp)
        who = requests.get(f"{auth_url}/api/aviary/auth/whoami", headers={"Authorization": f"Bearer {secret}"}, timeout=10).json()
        assert who["user"]["username"] == bob
        assert {"experiment_id": exp, "permission": "MANAGE"} in who["user"]["experiment_permissions"]
    assert requests.delete(f"{auth_url}/api/aviary/auth/tokens/{token_id}", auth=(bob, password), timeout=10).status_code == 200
    with credentials(token=secret), pytest.raises(MlflowException):
        mlflow.MlflowClient(auth_url).search_experiments()


def test_user_management_is_for_admins(auth_url, users):
    alice, alice_creds = as_user(users, 0)
    bob = list(users)[1]
    with alice_creds():
        auth = get_app_client("basic-auth", tracking_uri=auth_url)
        assert auth.get_user(alice).username == alice
        for attempt in (lambda: auth.create_user(unique_name("mallory"), "pw"), lambda: auth.get_user(bob),
                        lambda: auth.update_user_admin(alice, True), lambda: auth.delete_user(bob)):
            with pytest.raises(MlflowException) as exc:
                attempt()
            assert denied(exc) == "PERMISSION_DENIED"
    with as_admin():
        auth = get_app_client("basic-auth", tracking_uri=auth_url)
        temp = unique_name("temp")
        auth.create_user(temp, "temp-pw")
        auth.update_user_password(temp, "temp-pw-2")
        auth.update_user_admin(temp, True)
        assert auth.get_user(temp).is_admin is True
        auth.delete_user(temp)
        with pytest.raises(RestException) as exc:
            auth.get_user(temp)
        assert exc.value.error_code == "RESOURCE_DOES_NOT_EXIST"
        with pytest.raises(RestException):
            auth.create_user(unique_name("empty"), "")
