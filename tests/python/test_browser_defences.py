"""The browser defences seen from outside: what a web page can send (a forged Host after DNS
rebinding, a cross-origin text/plain POST, a JSON body typed as text) is refused before it
touches anything, and the real mlflow client, which sends no Origin and types its JSON, is
unaffected. Statuses match the real `mlflow server` 3.17.2 (AVIARY_TEST_AGAINST=mlflow);
its refusals are plain text, Aviary's MLflow's JSON error."""

import requests

from conftest import unique_name


def test_mlflow_client_unaffected(client, tmp_path):
    exp = client.create_experiment(unique_name("browser-defences"))
    run = client.create_run(exp).info.run_id
    client.log_param(run, "alpha", "0.5")
    client.log_metric(run, "loss", 0.25)
    (tmp_path / "note.txt").write_text("hello")
    client.log_artifact(run, str(tmp_path / "note.txt"))  # a raw PUT of the file's bytes
    assert [f.path for f in client.list_artifacts(run)] == ["note.txt"]
    name = unique_name("browser-defences-model")
    client.create_registered_model(name)
    client.set_registered_model_tag(name, "stage", "dev")
    client.delete_registered_model(name)
    client.delete_experiment(exp)
    assert client.get_run(run).data.metrics == {"loss": 0.25}


def test_foreign_host_is_refused(api, against_mlflow):
    resp = api.get("experiments/search", params={"max_results": 1}, headers={"Host": "evil.example"})
    assert resp.status_code == 403, resp.text[:300]
    if not against_mlflow:
        assert resp.json()["error_code"] == "PERMISSION_DENIED"
    assert api.get("experiments/search", params={"max_results": 1},
                   headers={"Host": "localhost:5000"}).status_code == 200


def test_cross_origin_text_plain_post_is_refused_and_creates_nothing(api, against_mlflow):
    name = unique_name("csrf")
    for path, body in [("experiments/create", f'{{"name": "{name}"}}'),
                       ("registered-models/alias", '{"name": "x", "alias": "champion", "version": "1"}')]:
        resp = api.post(path, data=body, headers={"Origin": "https://evil.example",
                                                  "Content-Type": "text/plain;charset=UTF-8"})
        assert resp.status_code == 403, resp.text[:300]
        if not against_mlflow:
            assert resp.json()["error_code"] == "PERMISSION_DENIED"
    assert api.get("experiments/get-by-name", params={"experiment_name": name}).status_code == 404


def test_json_endpoint_refuses_text_plain(api):
    resp = api.post("experiments/create", data=f'{{"name": "{unique_name("typed")}"}}',
                    headers={"Content-Type": "text/plain"})
    assert resp.status_code == 400
    assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "Content-Type" in resp.json()["message"]
