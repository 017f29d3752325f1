"""What a new model version's source may be, as MLflow's server decides it: a run_id that names no
run is recorded as given, a source must lie in the run (or logged model) named beside it, and a
version made from a logged model is listed in that model's `mlflow.modelVersions` tag."""

from __future__ import annotations

import json

import pytest

from conftest import unique_name

MUST_IDENTIFY = ("Invalid model version source: '{source}'. The {id} request parameter must identify "
                 "the resource that contains the source.")
LOCAL_PATH = ("Invalid model version source: '{source}'. To use a local path as a model version source, "
              "the run_id request parameter has to be specified and the local path has to be contained "
              "within the artifact directory of the run specified by the run_id.")
RELATIVE = ("Invalid model version source: '{source}'. If supplying a source as an http, https, local "
            "file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided "
            "without relative path references present. Please provide an absolute path.")


@pytest.fixture
def model(client) -> str:
    return client.create_registered_model(unique_name("sources")).name


def create(api, **body):
    return api.post("model-versions/create", json=body)


def refused_with(resp, message: str) -> None:
    assert resp.status_code == 400, resp.text
    assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert resp.json()["message"] == message


def test_a_run_that_does_not_exist_is_recorded_as_given(client, model):
    version = client.create_model_version(model, "runs:/no_such_run/model", "no_such_run")
    assert (version.version, version.source, version.run_id) == ("1", "runs:/no_such_run/model", "no_such_run")
    assert client.get_model_version_download_uri(model, "1") == "runs:/no_such_run/model"
    found = client.search_model_versions(f"name = '{model}' and run_id = 'no_such_run'")
    assert [v.version for v in found] == ["1"]
    other = client.create_model_version(model, "s3://bucket/models/x", "not-a-run-either")
    assert (other.source, other.run_id) == ("s3://bucket/models/x", "not-a-run-either")


def test_a_source_must_lie_in_the_run_named(api, client, model, run_id):
    artifact_uri = client.get_run(run_id).info.artifact_uri
    assert create(api, name=model, source=f"{artifact_uri}/model", run_id=run_id).status_code == 200
    for source, run in [("runs:/run_a/model", "run_b"), ("runs:/run_a/model", None),
                        ("mlflow-artifacts:/elsewhere/model", run_id),
                        ("mlflow-artifacts:/elsewhere/model", None),
                        (f"{artifact_uri}/model", "no_such_run")]:
        refused_with(create(api, name=model, source=source, **({"run_id": run} if run else {})),
                     MUST_IDENTIFY.format(source=source, id="run_id"))
    refused_with(create(api, name=model, source="s3://bucket/a/../../b"), RELATIVE.format(source="s3://bucket/a/../../b"))
    refused_with(create(api, name=model, source="/srv/models/x"), LOCAL_PATH.format(source="/srv/models/x"))
    # With a run whose artifacts are not local, the message shows the source as a resolved path.
    refused_with(create(api, name=model, source="/srv/models/./x", run_id=run_id), LOCAL_PATH.format(source="/srv/models/x"))


def test_a_version_of_a_logged_model_is_listed_in_its_tag(client, model, experiment_id):
    logged = client.create_logged_model(experiment_id=experiment_id)
    for _ in range(2):
        client.create_model_version(model, logged.artifact_location, model_id=logged.model_id)
    tag = client.get_logged_model(logged.model_id).tags["mlflow.modelVersions"]
    assert tag == json.dumps([{"name": model, "version": 1}, {"name": model, "version": 2}])
