"""search_runs and search_experiments: filters, ordering, view types and paging."""

import mlflow
import pandas as pd
import pytest
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

from conftest import unique_name

T0 = 1_650_000_000_000

# name, start offset (ms), status, metrics, params, tags
RUNS = [
    ("alpha-cnn", 0, "FINISHED", {"acc": 0.91, "loss": 0.3}, {"model": "cnn", "lr": "0.01"},
     {"team": "Astro", "kind": "baseline"}),
    ("beta-cnn", 1000, "FAILED", {"acc": 0.55, "loss": 1.2}, {"model": "cnn", "lr": "0.1"},
     {"team": "astro"}),
    ("gamma-rf", 2000, "FINISHED", {"acc": 0.78}, {"model": "random_forest", "lr": "n/a"},
     {"team": "radio", "kind": "tuned"}),
    ("delta-RF", 3000, "RUNNING", {"acc": 0.99, "loss": 0.1}, {"model": "random_forest"},
     {"team": "Radio"}),
    ("epsilon", 4000, "KILLED", {}, {"model": "gbm", "lr": "0.01"}, {}),
]


@pytest.fixture
def runs(experiment_id, client):
    """Five runs with known attributes; returns {run name: run id}."""
    ids = {}
    for name, offset, status, metrics, params, tags in RUNS:
        run_id = client.create_run(experiment_id, start_time=T0 + offset, run_name=name,
                                   tags=tags).info.run_id
        for key, value in metrics.items():
            client.log_metric(run_id, key, value, timestamp=T0 + offset, step=0)
        for key, value in params.items():
            client.log_param(run_id, key, value)
        if status != "RUNNING":
            client.set_terminated(run_id, status=status, end_time=T0 + offset + 500)
        ids[name] = run_id
    return ids


def names(client, experiment_id, runs, filter_string="", order_by=None, **kw):
    by_id = {v: k for k, v in runs.items()}
    found = client.search_runs([experiment_id], filter_string=filter_string, order_by=order_by, **kw)
    return [by_id[r.info.run_id] for r in found]


@pytest.mark.parametrize("filter_string, expected", [
    ("metrics.acc > 0.8", {"alpha-cnn", "delta-RF"}),
    ("metrics.acc >= 0.78 and metrics.loss < 0.5", {"alpha-cnn", "delta-RF"}),
    ("metrics.loss = 1.2", {"beta-cnn"}),
    ("metrics.loss != 1.2", {"alpha-cnn", "delta-RF"}),
    ("params.model = 'cnn'", {"alpha-cnn", "beta-cnn"}),
    ("params.lr != '0.01'", {"beta-cnn", "gamma-rf"}),
    ("params.model LIKE 'random%'", {"gamma-rf", "delta-RF"}),
    ("params.lr = '0.01' and params.model = 'gbm'", {"epsilon"}),
    ("tags.team = 'astro'", {"beta-cnn"}),
    ("tags.team ILIKE 'astro'", {"alpha-cnn", "beta-cnn"}),
    ("tags.team LIKE 'R%'", {"delta-RF"}),
    ("tags.kind != 'baseline'", {"gamma-rf"}),
    ("tags.`kind` = 'tuned'", {"gamma-rf"}),
    ("tags.kind IS NULL", {"beta-cnn", "delta-RF", "epsilon"}),
    ("tags.kind IS NOT NULL", {"alpha-cnn", "gamma-rf"}),
    ('metrics."acc" >= 0.91', {"alpha-cnn", "delta-RF"}),
    ("metrics.loss > -1 and metrics.acc < 0.6", {"beta-cnn"}),
    ("attributes.status = 'FINISHED'", {"alpha-cnn", "gamma-rf"}),
    ("attributes.status != 'FINISHED'", {"beta-cnn", "delta-RF", "epsilon"}),
    ("attributes.run_name = 'gamma-rf'", {"gamma-rf"}),
    ("attributes.run_name LIKE '%cnn'", {"alpha-cnn", "beta-cnn"}),
    ("attributes.run_name ILIKE '%rf'", {"gamma-rf", "delta-RF"}),
    ("run_name LIKE '%rf'", {"gamma-rf"}),
    (f"attributes.start_time >= {T0 + 2000}", {"gamma-rf", "delta-RF", "epsilon"}),
    (f"attributes.start_time < {T0 + 1000}", {"alpha-cnn"}),
    (f"attributes.end_time <= {T0 + 1500}", {"alpha-cnn", "beta-cnn"}),
    ("metrics.acc > 0.5 and params.model = 'cnn' and attributes.status = 'FAILED'", {"beta-cnn"}),
    ("metrics.acc > 2", set()),
])
def test_search_runs_filters(runs, experiment_id, client, filter_string, expected):
    assert set(names(client, experiment_id, runs, filter_string)) == expected


def test_search_runs_run_id_in(runs, experiment_id, client):
    chosen = [runs["beta-cnn"], runs["epsilon"]]
    quoted = ", ".join(f"'{r}'" for r in chosen)
    assert set(names(client, experiment_id, runs, f"attributes.run_id IN ({quoted})")) == {
        "beta-cnn", "epsilon"}
    assert set(names(client, experiment_id, runs, f"attributes.run_id NOT IN ({quoted})")) == {
        "alpha-cnn", "gamma-rf", "delta-RF"}


def test_search_runs_by_dataset(experiment_id, client):
    ids = {}
    for name, context in [("train", "training"), ("eval", "evaluation"), (None, None)]:
        with mlflow.start_run() as run:
            if name:
                frame = pd.DataFrame({"flux": [1.0, 2.0], "label": [0.0, 1.0]})
                mlflow.log_input(mlflow.data.from_pandas(frame, name=name), context=context)
        ids[name] = run.info.run_id

    def found(flt):
        return {r.info.run_id for r in client.search_runs([experiment_id], flt)}

    assert found("datasets.name = 'train'") == {ids["train"]}
    assert found("datasets.context = 'evaluation'") == {ids["eval"]}
    assert found("datasets.name IN ('train', 'eval')") == {ids["train"], ids["eval"]}
    assert found("datasets.name LIKE 'tr%' AND datasets.context = 'evaluation'") == set()


def test_search_runs_default_order_is_newest_first(runs, experiment_id, client):
    assert names(client, experiment_id, runs) == [
        "epsilon", "delta-RF", "gamma-rf", "beta-cnn", "alpha-cnn"]


@pytest.mark.parametrize("order_by, expected", [
    (["metrics.acc DESC"], ["delta-RF", "alpha-cnn", "gamma-rf", "beta-cnn", "epsilon"]),
    (["metrics.acc ASC"], ["beta-cnn", "gamma-rf", "alpha-cnn", "delta-RF", "epsilon"]),
    (["metrics.loss"], ["delta-RF", "alpha-cnn", "beta-cnn", "epsilon", "gamma-rf"]),
    (["params.model ASC", "metrics.acc DESC"],
     ["alpha-cnn", "beta-cnn", "epsilon", "delta-RF", "gamma-rf"]),
    # Strings compare by code point: "radio" > "astro" > "Radio" > "Astro".
    (["tags.team DESC"], ["gamma-rf", "beta-cnn", "delta-RF", "alpha-cnn", "epsilon"]),
    (["attributes.start_time ASC"], ["alpha-cnn", "beta-cnn", "gamma-rf", "delta-RF", "epsilon"]),
    (["attributes.run_name DESC"], ["gamma-rf", "epsilon", "delta-RF", "beta-cnn", "alpha-cnn"]),
])
def test_search_runs_order_by(runs, experiment_id, client, order_by, expected):
    # A run without the ordered field comes last in both directions, as in MLflow.
    assert names(client, experiment_id, runs, order_by=order_by) == expected


def test_fluent_search_runs_dataframe(runs, experiment_id):
    df = mlflow.search_runs([experiment_id], filter_string="params.model = 'cnn'",
                            order_by=["metrics.acc DESC"])
    assert list(df["tags.mlflow.runName"]) == ["alpha-cnn", "beta-cnn"]
    assert list(df["metrics.acc"]) == [0.91, 0.55]
    assert list(df["status"]) == ["FINISHED", "FAILED"]
    assert list(df["run_id"]) == [runs["alpha-cnn"], runs["beta-cnn"]]


def test_search_runs_paging(runs, experiment_id, client):
    seen, token, pages = [], None, 0
    while True:
        page = client.search_runs([experiment_id], max_results=2, page_token=token,
                                  order_by=["attributes.start_time ASC"])
        pages += 1
        seen.extend(r.info.run_name for r in page)
        token = page.token
        if not token:
            break
        assert len(page) == 2
    assert pages == 3
    assert seen == ["alpha-cnn", "beta-cnn", "gamma-rf", "delta-RF", "epsilon"]


def test_search_runs_exact_last_page_has_no_token(runs, experiment_id, client):
    first = client.search_runs([experiment_id], max_results=4)
    assert len(first) == 4 and first.token
    last = client.search_runs([experiment_id], max_results=4, page_token=first.token)
    assert len(last) == 1
    assert not last.token
    everything = client.search_runs([experiment_id], max_results=5)
    assert len(everything) == 5


def test_search_runs_across_experiments(client):
    a = client.create_experiment(unique_name("multi-a"))
    b = client.create_experiment(unique_name("multi-b"))
    ra = client.create_run(a).info.run_id
    rb = client.create_run(b).info.run_id
    assert {r.info.run_id for r in client.search_runs([a, b])} == {ra, rb}
    assert {r.info.run_id for r in client.search_runs([b])} == {rb}


def test_search_runs_bad_filter_is_refused(runs, experiment_id, client):
    with pytest.raises(MlflowException) as err:
        client.search_runs([experiment_id], filter_string="metrics.acc >>> 1")
    assert err.value.error_code == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as err:
        client.search_runs([experiment_id], filter_string="nonsense.acc > 1")
    assert err.value.error_code == "INVALID_PARAMETER_VALUE"


@pytest.fixture
def experiments(client):
    """Three experiments under one unique prefix; returns (prefix, {suffix: id})."""
    prefix = unique_name("search-exp")
    ids = {
        "b-optical": client.create_experiment(f"{prefix}-b-optical", tags={"band": "optical"}),
        "a-radio": client.create_experiment(f"{prefix}-a-radio", tags={"band": "radio"}),
        "c-xray": client.create_experiment(f"{prefix}-c-xray", tags={"band": "xray", "hot": "1"}),
    }
    return prefix, ids


def exp_names(found, prefix):
    return [e.name.removeprefix(prefix + "-") for e in found]


def test_search_experiments_by_name_like(experiments, client):
    prefix, ids = experiments
    found = client.search_experiments(filter_string=f"name LIKE '{prefix}%'",
                                      order_by=["name ASC"])
    assert exp_names(found, prefix) == ["a-radio", "b-optical", "c-xray"]
    assert [e.experiment_id for e in found] == [ids["a-radio"], ids["b-optical"], ids["c-xray"]]
    found = client.search_experiments(filter_string=f"name ILIKE '{prefix.upper()}%RADIO'")
    assert exp_names(found, prefix) == ["a-radio"]


def test_search_experiments_by_tag(experiments, client):
    prefix, ids = experiments
    found = client.search_experiments(
        filter_string=f"name LIKE '{prefix}%' AND tags.band = 'radio'")
    assert [e.experiment_id for e in found] == [ids["a-radio"]]
    found = client.search_experiments(filter_string=f"name LIKE '{prefix}%' AND tags.hot = '1'")
    assert [e.experiment_id for e in found] == [ids["c-xray"]]
    assert found[0].tags == {"band": "xray", "hot": "1"}


def test_search_experiments_order_by(experiments, client):
    prefix, _ = experiments
    flt = f"name LIKE '{prefix}%'"
    assert exp_names(client.search_experiments(filter_string=flt, order_by=["name DESC"]),
                     prefix) == ["c-xray", "b-optical", "a-radio"]
    # Creation order: b, a, c; the default order is the newest first.
    assert exp_names(client.search_experiments(filter_string=flt, order_by=["creation_time ASC"]),
                     prefix) == ["b-optical", "a-radio", "c-xray"]


def test_search_experiments_view_type_and_paging(experiments, client):
    prefix, ids = experiments
    client.delete_experiment(ids["b-optical"])
    flt = f"name LIKE '{prefix}%'"

    def found(view_type):
        return sorted(exp_names(client.search_experiments(view_type=view_type, filter_string=flt),
                                prefix))

    assert found(ViewType.ACTIVE_ONLY) == ["a-radio", "c-xray"]
    assert found(ViewType.DELETED_ONLY) == ["b-optical"]
    assert found(ViewType.ALL) == ["a-radio", "b-optical", "c-xray"]

    first = client.search_experiments(view_type=ViewType.ALL, filter_string=flt, max_results=2,
                                      order_by=["name ASC"])
    assert exp_names(first, prefix) == ["a-radio", "b-optical"] and first.token
    rest = client.search_experiments(view_type=ViewType.ALL, filter_string=flt, max_results=2,
                                     order_by=["name ASC"], page_token=first.token)
    assert exp_names(rest, prefix) == ["c-xray"]
    assert not rest.token


def test_fluent_search_experiments(experiments):
    prefix, ids = experiments
    found = mlflow.search_experiments(filter_string=f"name = '{prefix}-c-xray'")
    assert [e.experiment_id for e in found] == [ids["c-xray"]]
