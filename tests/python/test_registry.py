"""The model registry with the real client, as users work with it: models logged with
registered_model_name, aliases that decide what `models:/name@alias` loads, searches with
filters, ordering and paging, renames, deletions, tags, stages, and one request per search page.
Checked against the real `mlflow server` 3.17.2 too (AVIARY_TEST_AGAINST=mlflow); where Aviary
answers more than MLflow (user_id, registrations), the test says so."""

from __future__ import annotations

import json
from dataclasses import dataclass

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LinearRegression

from conftest import unique_name

RNG = np.random.default_rng(11)
X_TRAIN = RNG.normal(size=(40, 3))
X_TEST = RNG.normal(size=(12, 3))
# Two clearly different models: trained on different targets, so their predictions differ everywhere.
MODEL_1 = LinearRegression().fit(X_TRAIN, X_TRAIN @ np.array([1.0, 2.0, -1.0]) + 3.0)
MODEL_2 = LinearRegression().fit(X_TRAIN, X_TRAIN @ np.array([-4.0, 0.5, 2.5]) - 7.0)


def error_code(excinfo) -> str:
    return getattr(excinfo.value, "error_code", "")


@pytest.fixture
def count_requests(monkeypatch):
    """The HTTP requests the client sends, as (method, endpoint), in order."""
    import mlflow.utils.rest_utils as rest_utils

    sent: list[tuple[str, str]] = []
    real = rest_utils.http_request

    def counting(host_creds, endpoint, method, *args, **kwargs):
        sent.append((method, endpoint))
        return real(host_creds, endpoint, method, *args, **kwargs)

    monkeypatch.setattr(rest_utils, "http_request", counting)
    return sent


# ---------------------------------------------------------------------------------------------
# "snia": two sklearn models logged with registered_model_name, champion on 1, challenger on 2.


@dataclass
class Snia:
    name: str
    infos: list  # ModelInfo of version 1 and 2
    run_ids: list[str]


@pytest.fixture(scope="module")
def snia(tracking_uri) -> Snia:
    client = MlflowClient(tracking_uri)
    name = "snia"
    try:
        client.get_registered_model(name)
        name = unique_name("snia")  # a reused external server already has one
    except MlflowException:
        pass
    mlflow.set_experiment(unique_name("registry-snia"))
    infos, run_ids = [], []
    for model in (MODEL_1, MODEL_2):
        with mlflow.start_run() as run:
            infos.append(mlflow.sklearn.log_model(model, name="model", registered_model_name=name,
                                                  input_example=X_TEST[:2]))
        run_ids.append(run.info.run_id)
    client.set_registered_model_alias(name, "champion", 1)
    client.set_registered_model_alias(name, "challenger", 2)
    return Snia(name, infos, run_ids)


def predict(uri: str) -> np.ndarray:
    return np.asarray(mlflow.pyfunc.load_model(uri).predict(X_TEST))


def test_the_two_models_differ():
    assert not np.allclose(MODEL_1.predict(X_TEST), MODEL_2.predict(X_TEST))


def test_log_model_registers_versions_1_and_2(snia, client, api, against_mlflow):
    assert [str(i.registered_model_version) for i in snia.infos] == ["1", "2"]
    for number, (info, run_id) in enumerate(zip(snia.infos, snia.run_ids), start=1):
        mv = client.get_model_version(snia.name, str(number))
        assert mv.version == str(number)
        assert mv.run_id == run_id
        assert mv.source == f"models:/{info.model_id}"
        assert mv.status == "READY"
        assert mv.current_stage == "None"
        if not against_mlflow:  # MLflow's server leaves model_id out (and the client does not read it)
            raw = api.get("model-versions/get", params={"name": snia.name, "version": number}).json()
            assert raw["model_version"]["model_id"] == info.model_id


def test_aliases_point_at_versions(snia, client):
    assert client.get_model_version_by_alias(snia.name, "champion").version == "1"
    assert client.get_model_version_by_alias(snia.name, "challenger").version == "2"
    assert client.get_registered_model(snia.name).aliases == {"champion": "1", "challenger": "2"}
    assert client.get_model_version(snia.name, "1").aliases == ["champion"]
    assert client.get_model_version(snia.name, "2").aliases == ["challenger"]


def test_load_by_alias_predicts_as_the_original(snia):
    np.testing.assert_array_equal(predict(f"models:/{snia.name}@champion"), MODEL_1.predict(X_TEST))
    np.testing.assert_array_equal(predict(f"models:/{snia.name}@challenger"), MODEL_2.predict(X_TEST))


def test_load_by_version_and_latest(snia):
    np.testing.assert_array_equal(predict(f"models:/{snia.name}/1"), MODEL_1.predict(X_TEST))
    np.testing.assert_array_equal(predict(f"models:/{snia.name}/2"), MODEL_2.predict(X_TEST))
    np.testing.assert_array_equal(predict(f"models:/{snia.name}/latest"), MODEL_2.predict(X_TEST))


def test_moving_champion_changes_what_loads(snia, client):
    try:
        client.set_registered_model_alias(snia.name, "champion", 2)
        assert client.get_model_version_by_alias(snia.name, "champion").version == "2"
        assert client.get_registered_model(snia.name).aliases == {"champion": "2", "challenger": "2"}
        assert client.get_model_version(snia.name, "1").aliases == []
        np.testing.assert_array_equal(predict(f"models:/{snia.name}@champion"), MODEL_2.predict(X_TEST))
    finally:
        client.set_registered_model_alias(snia.name, "champion", 1)
    np.testing.assert_array_equal(predict(f"models:/{snia.name}@champion"), MODEL_1.predict(X_TEST))


def test_logged_model_shows_its_registration(snia, api, against_mlflow):
    for number, info in enumerate(snia.infos, start=1):
        lm = mlflow.get_logged_model(info.model_id)
        # MLflow's server adds its own entry (version as a number) beside the client's (a string).
        listed = {(e["name"], str(e["version"])) for e in json.loads(lm.tags["mlflow.modelVersions"])}
        assert listed == {(snia.name, str(number))}
        if not against_mlflow:  # MLflow's server leaves the proto's `registrations` empty; Aviary fills it
            body = api.get(f"logged-models/{info.model_id}").json()
            assert body["model"]["info"]["registrations"] == [{"name": snia.name, "version": str(number)}]


def test_search_lists_everything_in_one_request(snia, client, api, count_requests, against_mlflow):
    found = client.search_registered_models(filter_string=f"name = '{snia.name}'")
    assert len(count_requests) == 1, count_requests
    assert count_requests[0][1].endswith("/registered-models/search")
    [model] = found
    assert [v.version for v in model.latest_versions] == ["2"]
    assert model.aliases == {"champion": "1", "challenger": "2"}

    body = api.get("registered-models/search", params={"filter": f"name = '{snia.name}'"}).json()
    [raw] = body["registered_models"]
    assert [v["version"] for v in raw["latest_versions"]] == ["2"]
    assert {a["alias"]: a["version"] for a in raw["aliases"]} == {"champion": "1", "challenger": "2"}
    assert raw["last_updated_timestamp"] >= raw["latest_versions"][0]["creation_timestamp"]
    if not against_mlflow:  # MLflow leaves the registered model's user_id unset
        run_user = client.get_run(snia.run_ids[0]).info.user_id
        assert run_user
        assert raw["user_id"] == run_user
        assert raw["latest_versions"][0]["user_id"] == run_user


# ---------------------------------------------------------------------------------------------
# A family of models for search: five names, tags, versions from two runs, an alias on each.


@dataclass
class Family:
    prefix: str
    names: dict[str, str]  # short name -> full name
    run_a: str
    run_b: str
    user: str


FAMILY = ["Alpha", "beta", "gamma", "delta", "epsilon"]
VISION = {"Alpha", "gamma"}


@pytest.fixture(scope="module")
def family(tracking_uri) -> Family:
    client = MlflowClient(tracking_uri)
    prefix = unique_name("fam")
    exp = client.create_experiment(unique_name("registry-family"))
    run_a = client.create_run(exp).info.run_id
    run_b = client.create_run(exp).info.run_id
    names = {short: f"{prefix}-{short}" for short in FAMILY}
    for short, name in names.items():
        tags = {"family": prefix}
        if short in VISION:
            tags["team"] = "vision"
        client.create_registered_model(name, tags=tags)
        client.create_model_version(name, f"runs:/{run_a}/model", run_id=run_a)
        client.set_registered_model_alias(name, "current", 1)
    alpha = names["Alpha"]
    client.create_model_version(alpha, f"runs:/{run_b}/model", run_id=run_b,
                                tags={"quality": "good"})
    client.create_model_version(alpha, f"runs:/{run_a}/model", run_id=run_a)
    return Family(prefix, names, run_a, run_b, client.get_run(run_a).info.user_id)


def model_names(found) -> list[str]:
    return [m.name for m in found]


@pytest.mark.parametrize("where, expected", [
    ("name = '{p}-beta'", ["beta"]),
    ("name LIKE '{p}-%a'", ["Alpha", "beta", "delta", "gamma"]),
    ("name LIKE '{p}-a%'", []),  # LIKE is case-sensitive
    ("name ILIKE '{p}-a%'", ["Alpha"]),
    ("name ILIKE '{p}-%ON'", ["epsilon"]),
    ("name LIKE '{p}-%' AND tags.team = 'vision'", ["Alpha", "gamma"]),
    ("tags.family = '{p}' AND tags.team = 'vision'", ["Alpha", "gamma"]),
    ("name LIKE '{p}-%' AND tags.team != 'vision'", []),  # != only matches models having the tag
    ("name = '{p}-nobody'", []),
])
def test_search_registered_models_filters(family, client, where, expected):
    found = client.search_registered_models(filter_string=where.format(p=family.prefix))
    assert model_names(found) == [family.names[s] for s in sorted(expected)]


def test_search_registered_models_order_by(family, client):
    everyone = f"name LIKE '{family.prefix}-%'"
    asc = sorted(family.names.values())
    assert model_names(client.search_registered_models(everyone)) == asc
    assert model_names(client.search_registered_models(everyone, order_by=["name DESC"])) == asc[::-1]
    by_update = client.search_registered_models(everyone, order_by=["last_updated_timestamp DESC", "name ASC"])
    # Alpha got two more versions after the others were made: it was updated last.
    assert model_names(by_update)[0] == family.names["Alpha"]


def test_search_registered_models_pages(family, client, count_requests):
    everyone = f"name LIKE '{family.prefix}-%'"
    pages, token = [], None
    while True:
        before = len(count_requests)
        page = client.search_registered_models(everyone, max_results=2, order_by=["name ASC"],
                                               page_token=token)
        assert len(count_requests) - before == 1, "one request per page"
        pages.append(model_names(page))
        token = page.token
        if not token:
            break
        assert len(pages) < 5, "paging does not end"
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [n for p in pages for n in p] == sorted(family.names.values())


def test_search_page_carries_versions_aliases_tags_user_and_time(family, api, against_mlflow):
    """What a registry list shows, in the search answer itself: no request per model."""
    body = api.get("registered-models/search", params={
        "filter": f"tags.family = '{family.prefix}'", "max_results": 3, "order_by": "name ASC"}).json()
    models = body["registered_models"]
    assert [m["name"] for m in models] == sorted(family.names.values())[:3]
    assert body["next_page_token"]
    for m in models:
        latest = [v["version"] for v in m["latest_versions"]]
        assert latest == (["3"] if m["name"] == family.names["Alpha"] else ["1"]), m
        assert {"alias": "current", "version": "1"} in m["aliases"], m
        assert {"key": "family", "value": family.prefix} in m["tags"], m
        assert m["last_updated_timestamp"] >= m["creation_timestamp"] > 0
        if not against_mlflow:
            assert m["user_id"] == family.user, m


def version_numbers(found) -> list[str]:
    return [v.version for v in found]


@pytest.mark.parametrize("where, expected", [
    ("name = '{alpha}'", ["1", "2", "3"]),
    ("name = '{alpha}' AND run_id = '{run_a}'", ["1", "3"]),
    ("name = '{alpha}' AND run_id IN ('{run_b}', 'nope')", ["2"]),
    ("name = '{alpha}' AND version_number >= 2", ["2", "3"]),
    ("name = '{alpha}' AND version_number = 1", ["1"]),
    ("name = '{alpha}' AND tags.quality = 'good'", ["2"]),
    ("name = '{alpha}' AND source_path = 'runs:/{run_b}/model'", ["2"]),
])
def test_search_model_versions_filters(family, client, where, expected):
    f = where.format(alpha=family.names["Alpha"], run_a=family.run_a, run_b=family.run_b)
    found = client.search_model_versions(f, order_by=["version_number ASC"])
    assert version_numbers(found) == expected
    assert {v.name for v in found} <= {family.names["Alpha"]}


def test_search_model_versions_across_models(family, client):
    found = client.search_model_versions(f"name LIKE '{family.prefix}-%' AND run_id = '{family.run_a}'",
                                         order_by=["name ASC", "version_number DESC"])
    expected = []
    for name in sorted(family.names.values()):
        expected += [(name, "3"), (name, "1")] if name == family.names["Alpha"] else [(name, "1")]
    assert [(v.name, v.version) for v in found] == expected


def test_search_model_versions_pages(family, client, count_requests):
    alpha = family.names["Alpha"]
    pages, token = [], None
    while True:
        before = len(count_requests)
        page = client.search_model_versions(f"name = '{alpha}'", max_results=2,
                                            order_by=["version_number DESC"], page_token=token)
        assert len(count_requests) - before == 1
        pages.append(version_numbers(page))
        token = page.token
        if not token:
            break
        assert len(pages) < 4
    assert pages == [["3", "2"], ["1"]]


# ---------------------------------------------------------------------------------------------
# Changes: rename, delete, tags, stages.


@pytest.fixture
def registered(client, experiment_id):
    """A fresh registered model with three versions from one run: (name, run id)."""
    name = unique_name("reg")
    run_id = client.create_run(experiment_id).info.run_id
    client.create_registered_model(name)
    for _ in range(3):
        client.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id)
    return name, run_id


def test_rename_keeps_versions_and_aliases(registered, client):
    name, run_id = registered
    client.set_registered_model_alias(name, "prod", 2)
    client.set_registered_model_tag(name, "owner", "astro")
    new = unique_name("renamed")
    client.rename_registered_model(name, new)  # the client returns nothing

    with pytest.raises(MlflowException) as e:
        client.get_registered_model(name)
    assert error_code(e) == "RESOURCE_DOES_NOT_EXIST"
    model = client.get_registered_model(new)
    assert model.aliases == {"prod": "2"}
    assert model.tags == {"owner": "astro"}
    found = client.search_model_versions(f"name = '{new}'", order_by=["version_number ASC"])
    assert [(v.name, v.version, v.run_id) for v in found] == [(new, str(n), run_id) for n in (1, 2, 3)]
    assert client.get_model_version_by_alias(new, "prod").version == "2"
    assert client.search_model_versions(f"name = '{name}'") == []


def test_deleting_a_version_removes_its_aliases(registered, client):
    name, run_id = registered
    client.set_registered_model_alias(name, "old", 1)
    client.set_registered_model_alias(name, "also-old", 1)
    client.set_registered_model_alias(name, "new", 2)
    client.delete_model_version(name, "1")

    assert client.get_registered_model(name).aliases == {"new": "2"}
    for alias in ("old", "also-old"):
        with pytest.raises(MlflowException) as e:
            client.get_model_version_by_alias(name, alias)
        assert error_code(e) == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as e:
        client.get_model_version(name, "1")
    assert error_code(e) == "RESOURCE_DOES_NOT_EXIST"
    # A deleted number is never given again.
    assert client.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id).version == "4"


def test_deleting_an_alias(registered, client):
    name, _ = registered
    client.set_registered_model_alias(name, "prod", 3)
    client.delete_registered_model_alias(name, "prod")
    assert client.get_registered_model(name).aliases == {}
    assert client.get_model_version(name, "3").aliases == []


def test_tags_on_models_and_versions(registered, client):
    name, _ = registered
    client.set_registered_model_tag(name, "survey", "ztf")
    client.set_registered_model_tag(name, "survey", "lsst")  # overwrites
    client.set_model_version_tag(name, "2", "validated", "yes")
    assert client.get_registered_model(name).tags == {"survey": "lsst"}
    assert client.get_model_version(name, "2").tags == {"validated": "yes"}
    assert client.get_model_version(name, "1").tags == {}

    assert model_names(client.search_registered_models(f"name = '{name}' AND tags.survey = 'lsst'")) == [name]
    assert client.search_registered_models(f"name = '{name}' AND tags.survey = 'ztf'") == []
    assert version_numbers(client.search_model_versions(f"name = '{name}' AND tags.validated = 'yes'")) == ["2"]

    client.delete_registered_model_tag(name, "survey")
    client.delete_model_version_tag(name, "2", "validated")
    assert client.get_registered_model(name).tags == {}
    assert client.get_model_version(name, "2").tags == {}
    assert client.search_registered_models(f"name = '{name}' AND tags.survey = 'lsst'") == []
    assert client.search_model_versions(f"name = '{name}' AND tags.validated = 'yes'") == []


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_stages_and_latest_versions(registered, client):
    name, _ = registered
    assert version_numbers(client.get_latest_versions(name)) == ["3"]
    client.transition_model_version_stage(name, "1", "Production")
    client.transition_model_version_stage(name, "3", "staging")  # stage names are case-insensitive
    assert client.get_model_version(name, "3").current_stage == "Staging"

    mv = client.transition_model_version_stage(name, "2", "Production", archive_existing_versions=True)
    assert mv.current_stage == "Production"
    stages = {v: client.get_model_version(name, v).current_stage for v in ("1", "2", "3")}
    assert stages == {"1": "Archived", "2": "Production", "3": "Staging"}

    assert version_numbers(client.get_latest_versions(name, stages=["Production"])) == ["2"]
    latest = {v.current_stage: v.version for v in client.get_latest_versions(name)}
    assert latest == {"Archived": "1", "Production": "2", "Staging": "3"}

    # Without archive_existing_versions, two versions may share a stage.
    client.transition_model_version_stage(name, "3", "Production", archive_existing_versions=False)
    assert client.get_model_version(name, "2").current_stage == "Production"
    assert version_numbers(client.get_latest_versions(name, stages=["Production"])) == ["3"]


def test_update_descriptions(registered, client):
    name, _ = registered
    assert client.update_registered_model(name, description="SN Ia classifier").description == "SN Ia classifier"
    assert client.update_model_version(name, "1", description="first").description == "first"
    assert client.get_registered_model(name).description == "SN Ia classifier"
    assert client.get_model_version(name, "1").description == "first"


def test_delete_registered_model(registered, client):
    name, _ = registered
    client.set_registered_model_alias(name, "prod", 1)
    client.delete_registered_model(name)
    with pytest.raises(MlflowException) as e:
        client.get_registered_model(name)
    assert error_code(e) == "RESOURCE_DOES_NOT_EXIST"
    assert client.search_model_versions(f"name = '{name}'") == []
    # The name is free again, and numbering starts over for the new model.
    client.create_registered_model(name)
    assert client.get_registered_model(name).latest_versions == []
