"""MLflow 3 logged models: mlflow.sklearn.log_model without registration, and loading it back."""

import json

import mlflow
import numpy as np
from mlflow.models import Model
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=80, n_features=5, n_informative=3, random_state=7)


@pytest.fixture(scope="module")
def model(data):
    X, y = data
    return LogisticRegression(C=0.5, max_iter=500).fit(X, y)


@pytest.fixture
def logged(experiment_id, model, data):
    """(model_info, run) of a model logged in a fluent run with params and tags."""
    X, _ = data
    with mlflow.start_run() as run:
        mlflow.log_param("C", 0.5)
        info = mlflow.sklearn.log_model(
            model, name="classifier", input_example=X[:3],
            params={"C": 0.5, "solver": "lbfgs"}, tags={"family": "linear", "survey": "ztf"},
            pip_requirements=["scikit-learn"],
        )
    return info, run


def test_log_model_returns_a_logged_model(logged, experiment_id):
    info, run = logged
    assert info.model_id.startswith("m-")
    assert info.model_uri == f"models:/{info.model_id}"
    assert info.run_id == run.info.run_id
    assert info.registered_model_version is None
    assert info.signature is not None


def test_get_logged_model(logged, experiment_id):
    info, run = logged
    lm = mlflow.get_logged_model(info.model_id)
    assert lm.model_id == info.model_id
    assert lm.name == "classifier"
    assert lm.experiment_id == experiment_id
    assert lm.source_run_id == run.info.run_id
    assert str(lm.status) == "READY"
    assert lm.params == {"C": "0.5", "solver": "lbfgs"}
    assert lm.tags["family"] == "linear" and lm.tags["survey"] == "ztf"
    assert lm.artifact_location.startswith("mlflow-artifacts:/")
    assert lm.creation_timestamp >= run.info.start_time


def test_run_lists_the_model_as_output(logged, client):
    info, run = logged
    outputs = client.get_run(run.info.run_id).outputs
    assert [o.model_id for o in outputs.model_outputs] == [info.model_id]


def test_search_logged_models(logged, experiment_id):
    info, _ = logged
    found = mlflow.search_logged_models(experiment_ids=[experiment_id], output_format="list")
    assert [m.model_id for m in found] == [info.model_id]
    found = mlflow.search_logged_models(experiment_ids=[experiment_id],
                                        filter_string="name = 'something-else'",
                                        output_format="list")
    assert found == []


def test_load_model_predicts_the_same(logged, model, data):
    info, _ = logged
    X, _ = data
    loaded = mlflow.sklearn.load_model(info.model_uri)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    pyfunc = mlflow.pyfunc.load_model(info.model_uri)
    np.testing.assert_array_equal(np.asarray(pyfunc.predict(X)), model.predict(X))


def test_load_model_through_the_run(logged, model, data):
    info, run = logged
    X, _ = data
    by_run = mlflow.sklearn.load_model(f"runs:/{run.info.run_id}/classifier")
    np.testing.assert_array_equal(by_run.predict(X), model.predict(X))


def test_metrics_link_to_the_model(experiment_id, model, client):
    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(model, name="linked", pip_requirements=["scikit-learn"])
        mlflow.log_metric("val_acc", 0.87, step=1, model_id=info.model_id)
    lm = mlflow.get_logged_model(info.model_id)
    assert [(m.key, m.value, m.step, m.run_id) for m in lm.metrics] == [
        ("val_acc", 0.87, 1, run.info.run_id)]
    assert client.get_run(run.info.run_id).data.metrics == {"val_acc": 0.87}

    def search(flt):
        return [m.model_id for m in mlflow.search_logged_models(
            experiment_ids=[experiment_id], filter_string=flt, output_format="list")]

    assert search("metrics.val_acc > 0.8") == [info.model_id]
    assert search("metrics.val_acc > 0.9") == []


def test_logged_model_tags_and_artifacts(logged, client):
    info, _ = logged
    mlflow.set_logged_model_tags(info.model_id, {"stage": "candidate", "owner": "me"})
    mlflow.delete_logged_model_tag(info.model_id, "owner")
    tags = mlflow.get_logged_model(info.model_id).tags
    assert tags["stage"] == "candidate" and "owner" not in tags
    files = {f.path for f in client.list_logged_model_artifacts(info.model_id)}
    assert {"MLmodel", "requirements.txt"} <= files


def test_search_logged_models_by_param(logged, experiment_id):
    info, _ = logged
    found = mlflow.search_logged_models(experiment_ids=[experiment_id],
                                        filter_string="params.solver = 'lbfgs'",
                                        output_format="list")
    assert [m.model_id for m in found] == [info.model_id]
    assert mlflow.last_logged_model().model_id == info.model_id



def test_log_model_records_each_model_in_the_run_s_model_history(run_id, client, api):
    # LogModel (runs/log-model), which MlflowClient._record_logged_model calls: each model's
    # identity and flavors, without their (possibly large) config, appended to a run tag.
    flavors = {"python_function": {"loader_module": "mlflow.pyfunc", "config": {"big": "x" * 100}}}
    models = [Model(artifact_path=f"model-{i}", run_id=run_id, flavors=flavors) for i in range(2)]
    for m in models:
        client._record_logged_model(run_id, m)
    history = json.loads(client.get_run(run_id).data.tags["mlflow.log-model.history"])
    assert history == [
        {"run_id": run_id, "artifact_path": m.artifact_path, "utc_time_created": m.utc_time_created,
         "model_uuid": m.model_uuid, "flavors": {"python_function": {"loader_module": "mlflow.pyfunc"}}}
        for m in models
    ]
    malformed = api.post("runs/log-model", json={"run_id": run_id, "model_json": "{not json"})
    assert malformed.status_code == 400
    assert malformed.json()["message"] == "Malformed model info. \n {not json \n is not a valid JSON."
    incomplete = api.post("runs/log-model", json={"run_id": run_id, "model_json": json.dumps({"run_id": "r", "flavors": {}, "artifact_path": "m"})})
    assert incomplete.status_code == 400
    assert incomplete.json()["message"] == "Model json is missing mandatory fields: {'utc_time_created'}"
