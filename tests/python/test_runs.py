"""Runs: the fluent life cycle, params, tags, names, datasets, delete and restore."""

import mlflow
import pandas as pd
import pytest
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException


def test_fluent_run_records_params_tags_and_status(experiment_id, client):
    with mlflow.start_run(run_name="lifecycle") as run:
        assert mlflow.active_run().info.run_id == run.info.run_id
        mlflow.log_params({"lr": 0.01, "layers": 3, "optimizer": "adam"})
        mlflow.log_param("note", "first")
        mlflow.set_tags({"team": "astro", "stage": "dev"})
        mlflow.set_tag("survey", "ztf")
    assert mlflow.active_run() is None

    got = client.get_run(run.info.run_id)
    assert got.info.run_id == run.info.run_id
    assert got.info.experiment_id == experiment_id
    assert got.info.run_name == "lifecycle"
    assert got.info.status == "FINISHED"
    assert got.info.lifecycle_stage == "active"
    assert 0 < got.info.start_time <= got.info.end_time
    assert got.data.params == {"lr": "0.01", "layers": "3", "optimizer": "adam", "note": "first"}
    tags = got.data.tags
    assert {k: tags[k] for k in ("team", "stage", "survey")} == {
        "team": "astro", "stage": "dev", "survey": "ztf"}
    assert tags["mlflow.runName"] == "lifecycle"
    assert "mlflow.user" in tags and "mlflow.source.name" in tags


@pytest.mark.parametrize("status", ["FAILED", "FINISHED", "KILLED"])
def test_end_run_with_status(experiment_id, client, status):
    run = mlflow.start_run()
    assert client.get_run(run.info.run_id).info.status == "RUNNING"
    mlflow.end_run(status=status)
    assert mlflow.active_run() is None
    got = client.get_run(run.info.run_id)
    assert got.info.status == status
    assert got.info.end_time >= got.info.start_time


def test_exception_in_with_block_marks_run_failed(experiment_id, client):
    with pytest.raises(ZeroDivisionError):
        with mlflow.start_run() as run:
            1 / 0
    assert client.get_run(run.info.run_id).info.status == "FAILED"


def test_end_run_finished_then_status_changes(run_id, client):
    assert client.get_run(run_id).info.status == "RUNNING"
    assert client.get_run(run_id).info.end_time is None
    client.set_terminated(run_id, status="FINISHED", end_time=1_700_000_123_456)
    info = client.get_run(run_id).info
    assert (info.status, info.end_time) == ("FINISHED", 1_700_000_123_456)
    client.update_run(run_id, status="KILLED")
    assert client.get_run(run_id).info.status == "KILLED"


def test_client_create_run_with_tags_and_start_time(experiment_id, client):
    run = client.create_run(experiment_id, start_time=1_600_000_000_000, tags={"k": "v"},
                            run_name="explicit")
    got = client.get_run(run.info.run_id)
    assert got.info.start_time == 1_600_000_000_000
    assert got.info.run_name == "explicit"
    assert got.data.tags["k"] == "v"
    assert got.info.artifact_uri.endswith(f"{run.info.run_id}/artifacts")


def test_resume_a_finished_run(experiment_id, client):
    with mlflow.start_run() as run:
        mlflow.log_param("first", "1")
    with mlflow.start_run(run_id=run.info.run_id) as resumed:
        assert resumed.info.run_id == run.info.run_id
        assert client.get_run(run.info.run_id).info.status == "RUNNING"
        mlflow.log_param("second", "2")
    got = client.get_run(run.info.run_id)
    assert got.info.status == "FINISHED"
    assert got.data.params == {"first": "1", "second": "2"}


def test_nested_runs(experiment_id, client):
    with mlflow.start_run(run_name="parent") as parent:
        with mlflow.start_run(run_name="child-a", nested=True) as a:
            pass
        with mlflow.start_run(run_name="child-b", nested=True) as b:
            pass
    pid = parent.info.run_id
    assert client.get_run(a.info.run_id).data.tags["mlflow.parentRunId"] == pid
    children = client.search_runs([experiment_id], f"tags.mlflow.parentRunId = '{pid}'",
                                  order_by=["attributes.run_name ASC"])
    assert [r.info.run_id for r in children] == [a.info.run_id, b.info.run_id]


def test_update_run_name(run_id, client):
    client.update_run(run_id, name="renamed")
    got = client.get_run(run_id)
    assert got.info.run_name == "renamed"
    assert got.data.tags["mlflow.runName"] == "renamed"


def test_delete_run_tag(run_id, client):
    client.set_tag(run_id, "keep", "1")
    client.set_tag(run_id, "drop", "2")
    client.delete_tag(run_id, "drop")
    tags = client.get_run(run_id).data.tags
    assert tags.get("keep") == "1"
    assert "drop" not in tags
    with pytest.raises(MlflowException) as err:
        client.delete_tag(run_id, "drop")
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_param_logged_twice(run_id, client):
    client.log_param(run_id, "alpha", "0.5")
    client.log_param(run_id, "alpha", "0.5")  # the same value again is fine
    with pytest.raises(MlflowException) as err:
        client.log_param(run_id, "alpha", "0.7")
    assert err.value.error_code == "INVALID_PARAMETER_VALUE"
    assert client.get_run(run_id).data.params == {"alpha": "0.5"}


def test_log_input_pandas_dataset(experiment_id, client):
    df = pd.DataFrame({"flux": [1.5, 2.25, 3.0, 4.75], "label": [0, 1, 0, 1]})
    dataset = mlflow.data.from_pandas(df, name="lightcurves", targets="label")
    with mlflow.start_run() as run:
        mlflow.log_input(dataset, context="training", tags={"split": "train"})
    inputs = client.get_run(run.info.run_id).inputs.dataset_inputs
    assert len(inputs) == 1
    got = inputs[0].dataset
    assert got.name == "lightcurves"
    assert got.digest == dataset.digest
    assert got.source_type == dataset.source._get_source_type()
    assert "flux" in got.schema and "label" in got.schema
    assert '"num_rows": 4' in got.profile
    tags = {t.key: t.value for t in inputs[0].tags}
    assert tags["mlflow.data.context"] == "training"
    assert tags["split"] == "train"


def test_delete_and_restore_run(experiment_id, client):
    keep = client.create_run(experiment_id).info.run_id
    gone = client.create_run(experiment_id).info.run_id
    client.delete_run(gone)
    assert client.get_run(gone).info.lifecycle_stage == "deleted"

    def found(view_type):
        return {r.info.run_id for r in client.search_runs([experiment_id], run_view_type=view_type)}

    assert found(ViewType.ACTIVE_ONLY) == {keep}
    assert found(ViewType.DELETED_ONLY) == {gone}
    assert found(ViewType.ALL) == {keep, gone}
    assert set(mlflow.search_runs([experiment_id])["run_id"]) == {keep}

    client.restore_run(gone)
    assert client.get_run(gone).info.lifecycle_stage == "active"
    assert found(ViewType.ACTIVE_ONLY) == {keep, gone}


def test_unknown_run(client):
    with pytest.raises(MlflowException) as err:
        client.get_run("0123456789abcdef0123456789abcdef")
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"
