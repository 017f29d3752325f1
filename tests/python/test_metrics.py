"""Metrics: steps, timestamps, batches, history, the latest value and non-finite values."""

import math
import sys

import mlflow
from mlflow.entities import Metric, Param, RunTag

T0 = 1_700_000_000_000


def expected_infinity(sign: int, against_mlflow: bool) -> float:
    # MLflow's SQL store clamps +/-Infinity to +/-DBL_MAX on write (sqlalchemy_store.py,
    # _get_metric_value_details); Aviary keeps the value, which proto3 JSON can carry.
    return sign * (sys.float_info.max if against_mlflow else math.inf)


def history(client, run_id, key):
    """(step, timestamp, value) of every logged point, in a stable order."""
    return sorted((m.step, m.timestamp, m.value) for m in client.get_metric_history(run_id, key))


def test_log_metric_with_steps_and_timestamps(experiment_id, client):
    points = [(0, T0, 0.9), (1, T0 + 1000, 0.5), (2, T0 + 2000, 0.25), (2, T0 + 2500, 0.2)]
    with mlflow.start_run() as run:
        for step, ts, value in points:
            mlflow.log_metric("loss", value, step=step, timestamp=ts)
    run_id = run.info.run_id
    assert history(client, run_id, "loss") == sorted(points)
    assert all(m.key == "loss" for m in client.get_metric_history(run_id, "loss"))
    assert client.get_run(run_id).data.metrics["loss"] == 0.2


def test_default_step_and_timestamp(experiment_id, client):
    with mlflow.start_run() as run:
        mlflow.log_metric("plain", 3.5)
    [(step, ts, value)] = history(client, run.info.run_id, "plain")
    assert (step, value) == (0, 3.5)
    assert abs(ts - run.info.start_time) < 60_000


def test_log_metrics_dict(experiment_id, client):
    with mlflow.start_run() as run:
        mlflow.log_metrics({"precision": 0.8, "recall": 0.6}, step=3)
        mlflow.log_metrics({"precision": 0.85, "recall": 0.65}, step=4)
    run_id = run.info.run_id
    assert client.get_run(run_id).data.metrics == {"precision": 0.85, "recall": 0.65}
    assert [(s, v) for s, _, v in history(client, run_id, "recall")] == [(3, 0.6), (4, 0.65)]


def test_latest_value_is_from_the_highest_step(run_id, client):
    # MLflow's "latest" is the highest step, then the latest timestamp: not the last logged.
    client.log_metric(run_id, "score", 1.0, timestamp=T0 + 10, step=5)
    client.log_metric(run_id, "score", 9.0, timestamp=T0 + 20, step=2)
    assert client.get_run(run_id).data.metrics["score"] == 1.0
    client.log_metric(run_id, "score", 7.0, timestamp=T0 + 5, step=5)
    assert client.get_run(run_id).data.metrics["score"] == 1.0  # same step, older timestamp
    client.log_metric(run_id, "score", 4.0, timestamp=T0 + 30, step=5)
    assert client.get_run(run_id).data.metrics["score"] == 4.0


def test_log_batch(run_id, client):
    metrics = [Metric("m", float(i) / 10, T0 + i, i) for i in range(50)]
    metrics.append(Metric("other", -2.5, T0, 0))
    params = [Param("p1", "a"), Param("p2", "b")]
    tags = [RunTag("t1", "x"), RunTag("t2", "y")]
    client.log_batch(run_id, metrics=metrics, params=params, tags=tags)
    run = client.get_run(run_id)
    assert run.data.metrics == {"m": 4.9, "other": -2.5}
    assert run.data.params == {"p1": "a", "p2": "b"}
    assert {k: run.data.tags[k] for k in ("t1", "t2")} == {"t1": "x", "t2": "y"}
    assert history(client, run_id, "m") == [(i, T0 + i, float(i) / 10) for i in range(50)]


def test_non_finite_values_round_trip(run_id, client, against_mlflow):
    client.log_metric(run_id, "odd", float("nan"), timestamp=T0, step=0)
    client.log_metric(run_id, "odd", float("inf"), timestamp=T0 + 1, step=1)
    client.log_metric(run_id, "odd", float("-inf"), timestamp=T0 + 2, step=2)
    client.log_metric(run_id, "odd", 1e300, timestamp=T0 + 3, step=3)
    client.log_metric(run_id, "tiny", -0.0000123456789, timestamp=T0, step=0)
    got = history(client, run_id, "odd")
    assert [(s, t) for s, t, _ in got] == [(0, T0), (1, T0 + 1), (2, T0 + 2), (3, T0 + 3)]
    assert math.isnan(got[0][2])
    assert got[1][2] == expected_infinity(+1, against_mlflow)
    assert got[2][2] == expected_infinity(-1, against_mlflow)
    assert got[3][2] == 1e300
    assert history(client, run_id, "tiny")[0][2] == -0.0000123456789


def test_non_finite_latest_values(run_id, client, against_mlflow):
    client.log_batch(run_id, metrics=[
        Metric("nan", float("nan"), T0, 0),
        Metric("pinf", float("inf"), T0, 0),
        Metric("ninf", float("-inf"), T0, 0),
    ])
    metrics = client.get_run(run_id).data.metrics
    assert math.isnan(metrics["nan"])
    assert metrics["pinf"] == expected_infinity(+1, against_mlflow)
    assert metrics["ninf"] == expected_infinity(-1, against_mlflow)


def test_long_history_comes_back_whole(run_id, client):
    n = 5000
    for start in range(0, n, 1000):
        client.log_batch(run_id, metrics=[Metric("long", i * 0.5, T0 + i, i)
                                          for i in range(start, start + 1000)])
    got = history(client, run_id, "long")
    assert len(got) == n
    assert got[0] == (0, T0, 0.0) and got[-1] == (n - 1, T0 + n - 1, (n - 1) * 0.5)
    assert client.get_run(run_id).data.metrics["long"] == (n - 1) * 0.5


def test_history_of_unlogged_metric_is_empty(run_id, client):
    client.log_metric(run_id, "present", 1.0)
    assert client.get_metric_history(run_id, "absent") == []
