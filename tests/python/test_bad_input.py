"""Bad requests with raw HTTP: each gets MLflow's error_code and status, never a 500, and
the server stays up. Codes and statuses were taken from the real `mlflow server` 3.17.2
(AVIARY_TEST_AGAINST=mlflow); where MLflow's answer is odd, the comment says so."""

import http.client
import json
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from mlflow.exceptions import MlflowException

from conftest import unique_name

ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"
UNKNOWN_RUN = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def still_healthy(tracking_uri):
    yield
    assert requests.get(f"{tracking_uri}/health", timeout=5).status_code == 200


def assert_error(resp, status, *codes):
    assert resp.status_code == status, f"{resp.status_code} {resp.text[:300]}"
    body = resp.json()
    assert body["error_code"] in codes, body
    assert body["message"]
    return body


@pytest.fixture
def exp_id(api):
    return api.post("experiments/create", json={"name": unique_name("bad-input")}).json()[
        "experiment_id"]


@pytest.fixture
def run(api, exp_id):
    return api.post("runs/create", json={"experiment_id": exp_id}).json()["run"]["info"]["run_id"]


def test_malformed_json(api, against_mlflow):
    resp = api.post("experiments/create", data='{"name": "x"',
                    headers={"Content-Type": "application/json"})
    # MLflow ignores an unparsable body and answers as if it were empty (INVALID_PARAMETER_VALUE,
    # "Missing value for required parameter 'name'"); MALFORMED_REQUEST says what is wrong.
    body = assert_error(resp, 400, "INVALID_PARAMETER_VALUE", "MALFORMED_REQUEST")
    if not against_mlflow:
        assert "json" in body["message"].lower()


def test_malformed_json_on_log_metric(api, run):
    resp = api.post("runs/log-metric", data=b"\x00\xff not json",
                    headers={"Content-Type": "application/json"})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE", "MALFORMED_REQUEST")


@pytest.mark.parametrize("body", ["[1, 2]", '"a string"', "[" * 100_000 + "]" * 100_000],
                         ids=["array", "string", "deeply-nested"])
def test_json_body_that_is_not_an_object(api, against_mlflow, body):
    resp = api.post("experiments/create", data=body, headers={"Content-Type": "application/json"})
    if against_mlflow and resp.status_code == 500:
        pytest.xfail("MLflow 3.17.2 answers these bodies with a 500 HTML page")
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE", "MALFORMED_REQUEST")


def test_huge_bodies_on_a_kept_alive_connection(api, run):
    # MLflow takes a 17 MB tag value and truncates it to 8000 characters; a server may refuse a
    # body that large instead (INVALID_PARAMETER_VALUE). Either way each request gets its answer,
    # and the connection keeps working: a refusal must not leave the client hanging.
    body = json.dumps({"run_id": run, "tags": [{"key": "huge", "value": "x" * 17_000_000}]})
    for _ in range(2):
        resp = api.post("runs/log-batch", data=body, headers={"Content-Type": "application/json"},
                        timeout=20)
        if resp.status_code != 200:
            assert_error(resp, 400, "INVALID_PARAMETER_VALUE")
    assert api.get("runs/get", params={"run_id": run}).status_code == 200


@pytest.mark.parametrize("path, body", [
    ("experiments/create", {}),
    ("experiments/create", {"artifact_location": "/tmp/x"}),
])
def test_create_experiment_missing_name(api, path, body):
    assert "name" in assert_error(api.post(path, json=body), 400, "INVALID_PARAMETER_VALUE")[
        "message"]


def test_log_metric_missing_key(api, run):
    resp = api.post("runs/log-metric", json={"run_id": run, "value": 1.0, "timestamp": 1})
    assert "key" in assert_error(resp, 400, "INVALID_PARAMETER_VALUE")["message"]


def test_log_metric_missing_value(api, run):
    resp = api.post("runs/log-metric", json={"run_id": run, "key": "m", "timestamp": 1})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE")


def test_log_metric_missing_run_id(api):
    resp = api.post("runs/log-metric", json={"key": "m", "value": 1.0, "timestamp": 1})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("field, value", [
    ("timestamp", "yesterday"),
    ("value", "high"),
    ("step", "first"),
    ("key", 42),
])
def test_log_metric_wrong_types(api, run, field, value):
    body = {"run_id": run, "key": "m", "value": 1.0, "timestamp": 1, "step": 0, field: value}
    resp = api.post("runs/log-metric", json=body)
    assert field in assert_error(resp, 400, "INVALID_PARAMETER_VALUE")["message"]


def test_create_experiment_name_is_a_number(api):
    resp = api.post("experiments/create", json={"name": 123})
    assert "name" in assert_error(resp, 400, "INVALID_PARAMETER_VALUE")["message"]


# Aviary serves artifacts only from its own store (mlflow-artifacts:/ URIs) and takes local paths
# as client-side locations: any other location would give runs whose artifacts cannot be
# reached, and send clients to upload elsewhere.
UNSERVABLE_LOCATIONS = [
    "http://169.254.169.254/",
    "s3://bucket/path",
    "mlflow-artifacts://169.254.169.254:80/x",
    "mlflow-artifacts:/../../etc",
]


@pytest.mark.parametrize("location", UNSERVABLE_LOCATIONS)
def test_create_experiment_unservable_artifact_location(client, api, against_mlflow, location):
    if against_mlflow:
        pytest.skip("MLflow 3.17.2 stores any artifact_location; using its artifacts fails later")
    name = unique_name("bad-location")
    with pytest.raises(MlflowException) as raised:
        client.create_experiment(name, artifact_location=location)
    assert raised.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "mlflow-artifacts:/<path>" in raised.value.message
    assert client.get_experiment_by_name(name) is None
    resp = api.post("experiments/create", json={"name": name, "artifact_location": location})
    assert location in assert_error(resp, 400, "INVALID_PARAMETER_VALUE")["message"]


def test_create_experiment_servable_artifact_locations(client, tmp_path):
    (tmp_path / "note.txt").write_text("hello")
    default = client.create_experiment(unique_name("default-location"))
    named = client.create_experiment(unique_name("named-location"),
                                     artifact_location=f"mlflow-artifacts:/{unique_name('team')}")
    for experiment_id in (default, named):
        location = client.get_experiment(experiment_id).artifact_location
        assert location.startswith("mlflow-artifacts:/")
        run = client.create_run(experiment_id)
        assert run.info.artifact_uri.startswith(location.rstrip("/") + "/")
        client.log_artifact(run.info.run_id, str(tmp_path / "note.txt"))
        assert [f.path for f in client.list_artifacts(run.info.run_id)] == ["note.txt"]


def test_unknown_experiment(api):
    assert_error(api.get("experiments/get", params={"experiment_id": "987654321"}), 404,
                 "RESOURCE_DOES_NOT_EXIST")
    assert_error(api.post("runs/create", json={"experiment_id": "987654321"}), 404,
                 "RESOURCE_DOES_NOT_EXIST")
    assert_error(api.post("experiments/delete", json={"experiment_id": "987654321"}), 404,
                 "RESOURCE_DOES_NOT_EXIST")


def test_non_numeric_experiment_id(api):
    assert_error(api.get("experiments/get", params={"experiment_id": "not-a-number"}), 400,
                 "INVALID_PARAMETER_VALUE")


def test_unknown_experiment_name(api):
    resp = api.get("experiments/get-by-name", params={"experiment_name": unique_name("nope")})
    assert_error(resp, 404, "RESOURCE_DOES_NOT_EXIST")


def test_unknown_run(api):
    assert_error(api.get("runs/get", params={"run_id": UNKNOWN_RUN}), 404,
                 "RESOURCE_DOES_NOT_EXIST")
    resp = api.post("runs/log-metric",
                    json={"run_id": UNKNOWN_RUN, "key": "m", "value": 1.0, "timestamp": 1})
    assert_error(resp, 404, "RESOURCE_DOES_NOT_EXIST")
    resp = api.post("runs/update", json={"run_id": UNKNOWN_RUN, "status": "FINISHED"})
    assert_error(resp, 404, "RESOURCE_DOES_NOT_EXIST")


def test_metric_history_of_unknown_run(api):
    resp = api.get("metrics/get-history", params={"run_id": UNKNOWN_RUN, "metric_key": "m"})
    # MLflow 3.17 answers 200 with no metrics without looking the run up; a 404 is as good.
    if resp.status_code == 200:
        assert resp.json().get("metrics", []) == []
    else:
        assert_error(resp, 404, "RESOURCE_DOES_NOT_EXIST")


def test_duplicate_experiment_name(api):
    name = unique_name("dup")
    assert api.post("experiments/create", json={"name": name}).status_code == 200
    body = assert_error(api.post("experiments/create", json={"name": name}), 400,
                        "RESOURCE_ALREADY_EXISTS")
    assert name in body["message"]


def test_rename_to_a_taken_name(api, exp_id):
    resp = api.post("experiments/update", json={"experiment_id": exp_id, "new_name": "Default"})
    # MLflow lets the database refuse it (BAD_REQUEST, "UNIQUE constraint failed"); the code the
    # duplicate name gets on create, RESOURCE_ALREADY_EXISTS, is as good.
    assert_error(resp, 400, "BAD_REQUEST", "RESOURCE_ALREADY_EXISTS")
    name = api.get("experiments/get", params={"experiment_id": exp_id}).json()["experiment"]["name"]
    assert name != "Default"


@pytest.mark.parametrize("path, body", [
    ("runs/search", {"max_results": 0}),
    ("runs/search", {"max_results": 50001}),
    ("runs/search", {"max_results": 10, "page_token": "not-a-token"}),
    ("runs/search", {"max_results": 10, "filter": "metrics.acc >>> 1"}),
    ("runs/search", {"max_results": 10, "order_by": ["metrics.acc sideways"]}),
    ("experiments/search", {"max_results": 0}),
    ("experiments/search", {"max_results": 10, "filter": "nme = 'x'"}),
])
def test_bad_search_requests(api, exp_id, path, body):
    if path == "runs/search":
        body = {"experiment_ids": [exp_id], **body}
    assert_error(api.post(path, json=body), 400, "INVALID_PARAMETER_VALUE")


def test_param_changed_value(api, run):
    ok = api.post("runs/log-parameter", json={"run_id": run, "key": "lr", "value": "0.1"})
    assert ok.status_code == 200
    same = api.post("runs/log-parameter", json={"run_id": run, "key": "lr", "value": "0.1"})
    assert same.status_code == 200
    resp = api.post("runs/log-parameter", json={"run_id": run, "key": "lr", "value": "0.2"})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE")


def test_param_value_over_the_limit_is_truncated(api, run):
    # MLflow 3 truncates a param value over 6000 characters to 6000 (MLFLOW_TRUNCATE_LONG_VALUES,
    # on by default) instead of refusing it; the stored value is the first 6000 characters.
    value = "".join(chr(ord("a") + i % 26) for i in range(7000))
    resp = api.post("runs/log-parameter", json={"run_id": run, "key": "long", "value": value})
    assert resp.status_code == 200, resp.text[:300]
    params = api.get("runs/get", params={"run_id": run}).json()["run"]["data"]["params"]
    assert {p["key"]: p["value"] for p in params}["long"] == value[:6000]


def test_param_key_over_250_chars(api, run):
    resp = api.post("runs/log-parameter", json={"run_id": run, "key": "p" * 251, "value": "1"})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE")


def test_metric_key_over_250_chars(api, run):
    resp = api.post("runs/log-metric",
                    json={"run_id": run, "key": "k" * 251, "value": 1.0, "timestamp": 1})
    assert "250" in assert_error(resp, 400, "INVALID_PARAMETER_VALUE")["message"]
    resp = api.post("runs/log-metric",
                    json={"run_id": run, "key": "k" * 250, "value": 1.0, "timestamp": 1})
    assert resp.status_code == 200


def test_log_batch_over_1000_metrics(api, run):
    metrics = [{"key": "m", "value": float(i), "timestamp": 1, "step": i} for i in range(1001)]
    resp = api.post("runs/log-batch", json={"run_id": run, "metrics": metrics})
    assert "1000" in assert_error(resp, 400, "INVALID_PARAMETER_VALUE")["message"]
    history = api.get("metrics/get-history", params={"run_id": run, "metric_key": "m"}).json()
    assert history.get("metrics", []) == []  # nothing of the refused batch was kept
    resp = api.post("runs/log-batch", json={"run_id": run, "metrics": metrics[:1000]})
    assert resp.status_code == 200


def test_log_batch_over_1000_entities(api, run):
    body = {"run_id": run,
            "metrics": [{"key": "m", "value": 1.0, "timestamp": 1, "step": i} for i in range(900)],
            "params": [{"key": f"p{i}", "value": "v"} for i in range(100)],
            "tags": [{"key": "t", "value": "1"}]}
    resp = api.post("runs/log-batch", json=body)
    assert "1000" in assert_error(resp, 400, "INVALID_PARAMETER_VALUE")["message"]


def test_log_batch_over_100_params(api, run):
    params = [{"key": f"p{i}", "value": "v"} for i in range(101)]
    resp = api.post("runs/log-batch", json={"run_id": run, "params": params})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("path, body", [
    ("runs/log-metric", {"key": "m", "value": 1.0, "timestamp": 1}),
    ("runs/log-parameter", {"key": "p", "value": "1"}),
    ("runs/set-tag", {"key": "t", "value": "1"}),
    ("runs/log-batch", {"metrics": [{"key": "m", "value": 1.0, "timestamp": 1}]}),
])
def test_logging_to_a_deleted_run(api, run, path, body):
    assert api.post("runs/delete", json={"run_id": run}).status_code == 200
    resp = api.post(path, json={"run_id": run, **body})
    assert "active" in assert_error(resp, 400, "INVALID_PARAMETER_VALUE")["message"]


def test_unknown_route(api, against_mlflow):
    for resp in (api.get("no/such/endpoint"), api.post("no/such/endpoint", json={}),
                 api.get("/api/2.0/nothing-here")):
        assert resp.status_code == 404
        # MLflow answers an unknown route with Flask's HTML page; Aviary with MLflow's JSON.
        if not against_mlflow:
            assert resp.json()["error_code"] == "ENDPOINT_NOT_FOUND"


def test_wrong_method(api):
    assert api.get("experiments/create").status_code == 405


def raw(base, method, path, body=None):
    """Sends the path exactly as written: requests would normalise `..` and percent escapes."""
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request(method, path, body=body)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


# A file name no one else uses: after the attempts it must exist nowhere near the server's data.
# The absolute target is a fresh name under /tmp, never a real file: the suite may run as root.
ESCAPE = f"escape-{uuid.uuid4().hex[:12]}.txt"
ABSOLUTE = f"/tmp/aviary-{ESCAPE}"
# `{f}` stands for ESCAPE; ids stay stable from run to run.
TRAVERSALS = [
    "1/../../{f}",
    "1/x/../../../{f}",
    "../{f}",
    "%2e%2e/{f}",
    "1/%2e%2e/%2E%2E/{f}",
    "1/..%2f..%2f{f}",
    "/tmp/aviary-{f}",
    "%2Ftmp%2Faviary-{f}",
]


@pytest.mark.parametrize("method", ["PUT", "GET"])
@pytest.mark.parametrize("path", TRAVERSALS)
def test_artifact_path_traversal(tracking_uri, method, path):
    status, body = raw(tracking_uri, method, f"{ARTIFACTS}/{path.format(f=ESCAPE)}",
                       b"must not land" if method == "PUT" else None)
    assert status == 400, body[:300]
    assert json.loads(body)["error_code"] == "INVALID_PARAMETER_VALUE"


def test_artifact_get_outside_root(tracking_uri):
    for path in ["/etc/passwd", "%2Fetc%2Fpasswd", "1/../../../../../../etc/passwd"]:
        status, body = raw(tracking_uri, "GET", f"{ARTIFACTS}/{path}")
        assert status == 400, body[:300]
        assert b"root:" not in body


@pytest.mark.parametrize("path", ["../", "/etc", "1/../.."])
def test_artifact_list_traversal(api, path):
    assert_error(api.get(ARTIFACTS, params={"path": path}), 400, "INVALID_PARAMETER_VALUE")


def test_traversal_left_nothing_behind(tracking_uri, server_data_dir, api):
    for path in TRAVERSALS:
        raw(tracking_uri, "PUT", f"{ARTIFACTS}/{path.format(f=ESCAPE)}", b"must not land")
    assert not Path(ABSOLUTE).exists()
    if server_data_dir is not None:
        assert not list(server_data_dir.rglob(ESCAPE))
        for parent in list(server_data_dir.parents)[:3]:
            assert not (parent / ESCAPE).exists()
    ok = api.put(f"{ARTIFACTS}/0/safe/inside.txt", data=b"fine")
    assert ok.status_code == 200
    assert api.get(f"{ARTIFACTS}/0/safe/inside.txt").content == b"fine"


def test_type_errors_name_the_field_and_show_the_value_as_written(api, run):
    # MLflow's Python server reads 9.0 as a float and names a repeated field given no list as a whole.
    hint = "for parameter '{}' supplied:  Hint: Value was of type '{}'."
    for raw, shown, field, kind in [
        ('{"name": "n", "artifact_location": 9.0}', "9.0", "artifact_location", "float"),
        ('{"name": "n", "artifact_location": 1e3}', "1000.0", "artifact_location", "float"),
        ('{"name": "n", "artifact_location": [1.50, 2]}', "[1.5,2]", "artifact_location", "list"),
        ('{"name": "n", "tags": "5"}', '"5"', "tags", "str"),
    ]:
        resp = api.post("experiments/create", data=raw, headers={"Content-Type": "application/json"})
        message = assert_error(resp, 400, "INVALID_PARAMETER_VALUE")["message"]
        assert message.startswith(f"Invalid value {shown} " + hint.format(field, kind)), message
    for field in ["metrics", "params", "tags"]:
        resp = api.post("runs/log-batch", json={"run_id": run, field: "x"})
        message = assert_error(resp, 400, "INVALID_PARAMETER_VALUE")["message"]
        assert message.startswith('Invalid value "x" ' + hint.format(field, "str")), message


def test_a_param_may_be_the_empty_string(api, client, run):
    client.log_param(run, "empty", "")
    assert api.post("runs/log-parameter", json={"run_id": run, "key": "absent"}).status_code == 200
    assert api.post("runs/log-batch", json={"run_id": run, "params": [{"key": "in-batch", "value": ""}],
                                            "tags": [{"key": "tag", "value": ""}]}).status_code == 200
    data = client.get_run(run).data
    assert {k: data.params[k] for k in ["empty", "absent", "in-batch"]} == {"empty": "", "absent": "", "in-batch": ""}
    assert data.tags["tag"] == ""


def test_error_bodies_carry_mlflow_classification(api):
    # MLflow 3 adds a SQLSTATE and an error class to every error it sends; its own tests compare
    # whole bodies, so both must be there, with MLflow's values.
    missing = api.post("experiments/create", json={})
    assert missing.status_code == 400
    assert missing.json() == {
        "error_code": "INVALID_PARAMETER_VALUE",
        "message": missing.json()["message"],
        "sqlstate": "KAM00",
        "error_class": "INVALID_PARAMETER_VALUE",
    }
    absent = api.get("runs/get", params={"run_id": UNKNOWN_RUN})
    assert absent.status_code == 404
    assert absent.json() == {
        "error_code": "RESOURCE_DOES_NOT_EXIST",
        "message": absent.json()["message"],
        "sqlstate": "KAM00",
        "error_class": "RESOURCE_NOT_FOUND",
    }
