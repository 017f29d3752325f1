"""Experiments: the default one, creation by name, rename, tags, delete and restore."""

import os
import re

import mlflow
import pytest
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

from conftest import REPO, unique_name


def test_default_experiment_exists(client):
    default = client.get_experiment("0")
    assert default.name == "Default"
    assert default.lifecycle_stage == "active"
    assert client.get_experiment_by_name("Default").experiment_id == "0"


def test_set_experiment_by_name_creates_then_reuses(client):
    name = unique_name("set-by-name")
    assert client.get_experiment_by_name(name) is None
    created = mlflow.set_experiment(name)
    assert created.name == name
    assert created.experiment_id != "0"
    again = mlflow.set_experiment(name)
    assert again.experiment_id == created.experiment_id
    with mlflow.start_run() as run:
        pass
    assert run.info.experiment_id == created.experiment_id
    fetched = client.get_experiment(created.experiment_id)
    assert fetched.name == name
    assert fetched.artifact_location
    assert fetched.creation_time > 0


def test_create_experiment_with_tags(client):
    name = unique_name("tagged")
    exp_id = client.create_experiment(name, tags={"team": "astro", "survey": "ztf"})
    exp = client.get_experiment(exp_id)
    assert exp.tags == {"team": "astro", "survey": "ztf"}
    assert client.get_experiment_by_name(name).experiment_id == exp_id


def test_experiment_ids_are_distinct(client):
    ids = {client.create_experiment(unique_name("distinct")) for _ in range(3)}
    assert len(ids) == 3
    assert "0" not in ids


def test_rename_experiment(client):
    old, new = unique_name("before"), unique_name("after")
    exp_id = client.create_experiment(old)
    client.rename_experiment(exp_id, new)
    assert client.get_experiment(exp_id).name == new
    assert client.get_experiment_by_name(new).experiment_id == exp_id
    assert client.get_experiment_by_name(old) is None


def test_set_and_delete_experiment_tag(client):
    exp_id = client.create_experiment(unique_name("tags"))
    client.set_experiment_tag(exp_id, "stage", "dev")
    client.set_experiment_tag(exp_id, "owner", "me")
    client.set_experiment_tag(exp_id, "stage", "prod")  # overwrites
    assert client.get_experiment(exp_id).tags == {"stage": "prod", "owner": "me"}
    client.delete_experiment_tag(exp_id, "stage")
    assert client.get_experiment(exp_id).tags == {"owner": "me"}


def test_delete_and_restore_experiment(client):
    name = unique_name("doomed")
    exp_id = client.create_experiment(name)
    client.delete_experiment(exp_id)
    assert client.get_experiment(exp_id).lifecycle_stage == "deleted"

    def found(view_type):
        exps = client.search_experiments(view_type=view_type, filter_string=f"name = '{name}'")
        return [e.experiment_id for e in exps]

    assert found(ViewType.ACTIVE_ONLY) == []
    assert found(ViewType.DELETED_ONLY) == [exp_id]
    assert found(ViewType.ALL) == [exp_id]

    client.restore_experiment(exp_id)
    assert client.get_experiment(exp_id).lifecycle_stage == "active"
    assert found(ViewType.ACTIVE_ONLY) == [exp_id]
    assert found(ViewType.DELETED_ONLY) == []


def test_deleted_experiment_name_is_still_taken(client):
    name = unique_name("taken")
    client.delete_experiment(client.create_experiment(name))
    with pytest.raises(MlflowException) as err:
        client.create_experiment(name)
    assert err.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_unknown_experiment(client):
    with pytest.raises(MlflowException) as err:
        client.get_experiment("987654321")
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert client.get_experiment_by_name(unique_name("never-created")) is None


def test_local_artifact_location_is_stored_absolute_and_written_by_the_client(client, tmp_path, tracking_uri):
    # Both servers start in the repository (conftest.py); a relative location is resolved there.
    if re.match(r"https?://", os.environ.get("AVIARY_TEST_AGAINST", "")):
        pytest.skip("the working directory of a server already running is not known")
    relative = client.create_experiment(unique_name("relative"), artifact_location="my_location")
    assert client.get_experiment(relative).artifact_location == str(REPO / "my_location")
    # The client writes to an absolute local location itself, and reads it back from there.
    location = tmp_path / "client-side"
    experiment = client.create_experiment(unique_name("absolute"), artifact_location=str(location))
    assert client.get_experiment(experiment).artifact_location == str(location)
    run = client.create_run(experiment)
    assert run.info.artifact_uri == f"{location}/{run.info.run_id}/artifacts"
    (tmp_path / "note.txt").write_text("hello")
    client.log_artifact(run.info.run_id, str(tmp_path / "note.txt"))
    assert (location / run.info.run_id / "artifacts" / "note.txt").read_text() == "hello"
    assert [f.path for f in client.list_artifacts(run.info.run_id)] == ["note.txt"]
