"""The project's founding example: eleven runs, one filtered and ordered search."""

import mlflow
import pytest

ACCURACIES = [0.325, 0.6583, 0.675, 0.9417, 0.975] + [0.9833] * 6
FILTER = "metrics.accuracy > 0.9"
ORDER = ["metrics.accuracy DESC"]


@pytest.fixture
def seeded(experiment_id):
    """The eleven runs as a user logs them; returns {run_id: run} of what the server recorded."""
    ids = []
    for accuracy in ACCURACIES:
        with mlflow.start_run() as run:
            mlflow.log_param("activation", "ReLU")
            mlflow.log_metric("accuracy", accuracy)
        ids.append(run.info.run_id)
    client = mlflow.MlflowClient()
    return {run_id: client.get_run(run_id) for run_id in ids}


def expected_order(seeded):
    """MLflow's order: accuracy descending; ties by start_time descending, then run id ascending."""
    chosen = [r for r in seeded.values() if r.data.metrics["accuracy"] > 0.9]
    chosen.sort(key=lambda r: (-r.data.metrics["accuracy"], -r.info.start_time, r.info.run_id))
    return [r.info.run_id for r in chosen]


def test_eleven_runs_recorded(seeded):
    assert len(seeded) == 11
    assert all(r.data.params == {"activation": "ReLU"} for r in seeded.values())
    assert sorted(r.data.metrics["accuracy"] for r in seeded.values()) == sorted(ACCURACIES)
    assert {r.info.status for r in seeded.values()} == {"FINISHED"}


def test_fluent_search_runs_filters_and_orders(seeded, experiment_id):
    df = mlflow.search_runs(experiment_ids=[experiment_id], filter_string=FILTER, order_by=ORDER)
    expected = expected_order(seeded)
    assert len(expected) == 8
    assert set(df["run_id"]) == set(expected)
    assert list(df["run_id"]) == expected
    assert list(df["metrics.accuracy"]) == [0.9833] * 6 + [0.975, 0.9417]
    assert set(df["params.activation"]) == {"ReLU"}


def test_fluent_search_runs_uses_the_active_experiment(seeded):
    df = mlflow.search_runs(filter_string=FILTER, order_by=ORDER)
    assert list(df["run_id"]) == expected_order(seeded)


def test_client_search_runs_filters_and_orders(seeded, experiment_id):
    runs = mlflow.MlflowClient().search_runs([experiment_id], filter_string=FILTER, order_by=ORDER)
    assert [r.info.run_id for r in runs] == expected_order(seeded)
    assert [r.data.metrics["accuracy"] for r in runs] == [0.9833] * 6 + [0.975, 0.9417]
    assert all(r.data.params["activation"] == "ReLU" for r in runs)
