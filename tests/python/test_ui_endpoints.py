"""The endpoints MLflow serves its web UI under /ajax-api alone, checked against what the
client logged and reads back."""

import requests
from mlflow.entities import Metric

AJAX = "/ajax-api/2.0/mlflow"


def test_metric_history_bulk_returns_every_run_s_points(client, experiment_id, api):
    runs = sorted(client.create_run(experiment_id).info.run_id for _ in range(2))
    for i, run_id in enumerate(runs):
        client.log_batch(run_id, metrics=[Metric("loss", 1.0 / (s + 1 + i), 1000 + s, s) for s in range(3)])
    answer = api.get(f"{AJAX}/metrics/get-history-bulk", params={"run_id": runs[::-1], "metric_key": "loss"})
    assert answer.status_code == 200
    expected = [
        {"key": "loss", "value": m.value, "timestamp": m.timestamp, "step": m.step, "run_id": run_id}
        for run_id in runs
        for m in sorted(client.get_metric_history(run_id, "loss"), key=lambda m: (m.timestamp, m.step, m.value))
    ]
    assert answer.json() == {"metrics": expected}
    capped = api.get(f"{AJAX}/metrics/get-history-bulk", params={"run_id": runs, "metric_key": "loss", "max_results": 4})
    assert capped.json() == {"metrics": expected[:4]}
    missing = api.get(f"{AJAX}/metrics/get-history-bulk", params={"metric_key": "loss"})
    assert missing.status_code == 400
    assert missing.json()["message"] == "GetMetricHistoryBulk request must specify at least one run_id."


def test_upload_artifact_writes_into_the_run_and_nowhere_else(client, run_id, api, tmp_path):
    url = f"{AJAX}/upload-artifact"
    stored = api.post(url, params={"run_uuid": run_id, "path": "ui/notes.txt"}, data=b"from the UI")
    assert stored.status_code == 200
    assert stored.content == b""
    assert [f.path for f in client.list_artifacts(run_id, "ui")] == ["ui/notes.txt"]
    assert open(client.download_artifacts(run_id, "ui/notes.txt", str(tmp_path)), "rb").read() == b"from the UI"
    for path in ["../outside.txt", "ui/../../outside.txt", "/tmp/outside.txt"]:
        refused = api.post(url, params={"run_uuid": run_id, "path": path}, data=b"x")
        assert refused.status_code == 400, path
        assert refused.json()["error_code"] == "INVALID_PARAMETER_VALUE"
        assert refused.json()["message"] == "Invalid path", path
    assert [f.path for f in client.list_artifacts(run_id)] == ["ui"]
    empty = api.post(url, params={"run_uuid": run_id, "path": "empty.txt"}, data=b"")
    assert empty.json()["message"] == "Request must specify data."


def test_search_datasets_lists_what_runs_used(client, experiment_id, api):
    import mlflow
    import pandas as pd

    dataset = mlflow.data.from_pandas(pd.DataFrame({"x": [1, 2]}), name="lightcurves")
    with mlflow.start_run(experiment_id=experiment_id):
        mlflow.log_input(dataset, context="training")
    answer = api.post(f"{AJAX}/experiments/search-datasets", json={"experiment_ids": [experiment_id]})
    assert answer.status_code == 200
    assert answer.json() == {
        "dataset_summaries": [
            {"experiment_id": experiment_id, "name": "lightcurves", "digest": dataset.digest, "context": "training"}
        ]
    }
