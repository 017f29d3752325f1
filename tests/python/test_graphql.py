"""MLflow's GraphQL endpoint (`/graphql`): the queries MLflow's web UI sends, on data made by the real client.

Answers are MLflow's: status 200 and {"data", "errors": [messages] | null}; 64-bit numbers as
strings (LongString); fields the server left unset read as their proto defaults.
"""

from __future__ import annotations

import math

import pytest
import requests
from mlflow.entities import Dataset, DatasetInput, InputTag

MAX_ROOT_FIELDS = 10  # MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS's default
MAX_ALIASES = 10  # MLFLOW_SERVER_GRAPHQL_MAX_ALIASES's default


@pytest.fixture
def graphql(tracking_uri):
    """Posts a query; returns the decoded answer after checking the 200 MLflow always answers."""

    def post(query: str, variables: dict | None = None, operation: str | None = None) -> dict:
        body = {"query": query, **({"variables": variables} if variables else {}),
                **({"operationName": operation} if operation else {})}
        r = requests.post(f"{tracking_uri}/graphql", json=body, timeout=30)
        assert r.status_code == 200, r.text
        answer = r.json()
        assert set(answer) == {"data", "errors"}
        return answer

    return post


def test_echo_fields_of_query_and_mutation(graphql, against_mlflow):
    assert graphql('query Q { test(inputString: "abc") { output } }', operation="Q") == {
        "data": {"test": {"output": "abc"}}, "errors": None}
    # MLflow's resolver of testMutation is never found (it is named for test_mutation), so it answers null.
    echoed = None if against_mlflow else {"output": "xyz"}
    assert graphql('mutation M { testMutation(inputString: "xyz") { output } }') == {
        "data": {"testMutation": echoed}, "errors": None}


def test_get_experiment_and_its_errors(graphql, client, experiment_id):
    q = """query Get($input: MlflowGetExperimentInput) @component(name: "ExperimentPage") {
        mlflowGetExperiment(input: $input) {
            experiment { experimentId name lifecycleStage creationTime lastUpdateTime tags { key value } }
            apiError { code message }
        }
    }"""
    answer = graphql(q, {"input": {"experimentId": experiment_id}})
    got = answer["data"]["mlflowGetExperiment"]
    assert answer["errors"] is None and got["apiError"] is None
    experiment = client.get_experiment(experiment_id)
    assert got["experiment"] == {
        "experimentId": experiment_id, "name": experiment.name, "lifecycleStage": "active",
        "creationTime": str(experiment.creation_time), "lastUpdateTime": str(experiment.last_update_time),
        "tags": [],
    }
    missing = graphql(q, {"input": {"experimentId": "987654321"}})
    assert missing == {"data": {"mlflowGetExperiment": None}, "errors": ["No Experiment with id=987654321 exists"]}


def test_get_run_with_its_experiment_and_model_versions(graphql, client, experiment_id, run_id):
    from conftest import unique_name

    model = unique_name("graphql-model")
    client.create_registered_model(model)
    client.create_model_version(model, f"runs:/{run_id}/model", run_id)
    client.log_param(run_id, "lr", "0.1")
    answer = graphql(f"""query RunPage @component(name: "RunPage") {{
        mlflowGetRun(input: {{runId: "{run_id}"}}) {{
            run {{
                info {{ runId runUuid status startTime endTime experimentId lifecycleStage }}
                data {{ params {{ key value }} }}
                experiment {{ experimentId name }}
                modelVersions {{ name version source runId status description }}
            }}
        }}
    }}""")
    assert answer["errors"] is None
    run = answer["data"]["mlflowGetRun"]["run"]
    created = client.get_run(run_id)
    assert run["info"] == {"runId": run_id, "runUuid": run_id, "status": "RUNNING",
                           "startTime": str(created.info.start_time), "endTime": "0",
                           "experimentId": experiment_id, "lifecycleStage": "active"}
    assert run["data"]["params"] == [{"key": "lr", "value": "0.1"}]
    assert run["experiment"] == {"experimentId": experiment_id, "name": client.get_experiment(experiment_id).name}
    assert run["modelVersions"] == [{"name": model, "version": "1", "source": f"runs:/{run_id}/model",
                                     "runId": run_id, "status": "READY", "description": ""}]
    unknown = graphql('{ mlflowGetRun(input: {runId: "0123456789abcdef0123456789abcdef"}) { run { info { runId } } } }')
    assert unknown["data"] == {"mlflowGetRun": None}
    assert unknown["errors"] == ["Run with id=0123456789abcdef0123456789abcdef not found"]


def test_nan_metrics_read_as_null(graphql, client, run_id):
    client.log_metric(run_id, "loss", math.nan, step=0)
    run = graphql(f'{{ mlflowGetRun(input: {{runId: "{run_id}"}}) {{ run {{ data {{ metrics {{ key value step }} }} }} }} }}')
    assert run == {"data": {"mlflowGetRun": {"run": {"data": {"metrics": [{"key": "loss", "value": None, "step": "0"}]}}}},
                   "errors": None}
    # The bulk history has no such allowance in MLflow: the value is null and GraphQL reports it.
    client.log_metric(run_id, "loss", 0.5, step=1)
    bulk = graphql(f'{{ mlflowGetMetricHistoryBulkInterval(input: {{runIds: ["{run_id}"], metricKey: "loss"}}) {{ metrics {{ step value }} }} }}')
    assert bulk["data"] == {"mlflowGetMetricHistoryBulkInterval": {"metrics": [{"step": "0", "value": None}, {"step": "1", "value": 0.5}]}}
    assert bulk["errors"] == ["Float cannot represent non numeric value: nan"]


def test_metric_history_bulk_interval(graphql, client, run_id, against_mlflow):
    for step in range(8):
        client.log_metric(run_id, "acc", step / 10, step=step, timestamp=1_700_000_000_000 + step)
    query = """query History($input: MlflowGetMetricHistoryBulkIntervalInput) {
        mlflowGetMetricHistoryBulkInterval(input: $input) { metrics { key value step timestamp runId } }
    }"""
    points = lambda steps: [  # noqa: E731
        {"key": "acc", "value": step / 10, "step": str(step), "timestamp": str(1_700_000_000_000 + step), "runId": run_id}
        for step in steps
    ]
    answer = graphql(query, {"input": {"runIds": [run_id], "metricKey": "acc"}}, operation="History")
    assert answer == {"data": {"mlflowGetMetricHistoryBulkInterval": {"metrics": points(range(8))}}, "errors": None}
    # MLflow reads the step range from the HTTP query string, never from the GraphQL input; Aviary applies it.
    ranged = graphql(query, {"input": {"runIds": [run_id], "metricKey": "acc", "startStep": 2, "endStep": 5}})
    assert ranged["data"]["mlflowGetMetricHistoryBulkInterval"]["metrics"] == points(range(8) if against_mlflow else range(2, 6))


def test_search_runs_as_query_and_as_mutation(graphql, client, experiment_id):
    first = client.create_run(experiment_id, start_time=1_000).info.run_id
    second = client.create_run(experiment_id, start_time=2_000).info.run_id
    for operation in ("query", "mutation"):
        answer = graphql(f"""{operation} Search($ids: [String]) {{
            mlflowSearchRuns(input: {{experimentIds: $ids, maxResults: 10, orderBy: ["attributes.start_time DESC"]}}) {{
                runs {{ info {{ runId startTime }} experiment {{ experimentId }} }}
                nextPageToken
            }}
        }}""", {"ids": [experiment_id]})
        assert answer == {"data": {"mlflowSearchRuns": {"nextPageToken": "", "runs": [
            {"info": {"runId": second, "startTime": "2000"}, "experiment": {"experimentId": experiment_id}},
            {"info": {"runId": first, "startTime": "1000"}, "experiment": {"experimentId": experiment_id}},
        ]}}, "errors": None}
    bad = graphql('mutation { mlflowSearchRuns(input: {experimentIds: ["0"], filter: "metrics.x >"}) { runs { info { runId } } } }')
    assert bad["data"] == {"mlflowSearchRuns": None}
    assert len(bad["errors"]) == 1 and "Invalid" in bad["errors"][0]


def test_list_artifacts_with_aliases_and_a_fragment(graphql, client, run_id, tmp_path):
    (tmp_path / "notes.txt").write_text("eleven char")
    client.log_artifact(run_id, str(tmp_path / "notes.txt"))
    client.log_artifact(run_id, str(tmp_path / "notes.txt"), "sub")
    answer = graphql(f"""
        fragment Files on MlflowListArtifactsResponse {{ files {{ path isDir fileSize }} }}
        query Artifacts {{
            top: mlflowListArtifacts(input: {{runId: "{run_id}"}}) {{ rootUri ...Files }}
            inner: mlflowListArtifacts(input: {{runId: "{run_id}", path: "sub"}}) {{ ...Files }}
        }}""", operation="Artifacts")
    assert answer["errors"] is None
    top, inner = answer["data"]["top"], answer["data"]["inner"]
    assert top["rootUri"] == client.get_run(run_id).info.artifact_uri
    assert top["files"] == [{"path": "notes.txt", "isDir": False, "fileSize": "11"},
                            {"path": "sub", "isDir": True, "fileSize": "0"}]
    assert inner == {"files": [{"path": "sub/notes.txt", "isDir": False, "fileSize": "11"}]}


def test_search_datasets(graphql, client, experiment_id, run_id):
    client.log_inputs(run_id, [
        DatasetInput(Dataset(name="train-set", digest="d1", source_type="local", source="a.csv"),
                     tags=[InputTag(key="mlflow.data.context", value="training")]),
        DatasetInput(Dataset(name="eval-set", digest="d2", source_type="local", source="b.csv"), tags=[]),
    ])
    answer = graphql(f"""mutation Datasets {{
        mlflowSearchDatasets(input: {{experimentIds: ["{experiment_id}"]}}) {{
            datasetSummaries {{ experimentId name digest context }}
        }}
    }}""")
    assert answer["errors"] is None
    assert sorted(answer["data"]["mlflowSearchDatasets"]["datasetSummaries"], key=lambda d: d["digest"]) == [
        {"experimentId": experiment_id, "name": "train-set", "digest": "d1", "context": "training"},
        {"experimentId": experiment_id, "name": "eval-set", "digest": "d2", "context": ""},
    ]


def test_search_model_versions(graphql, client, run_id):
    from conftest import unique_name

    model = unique_name("graphql-search")
    client.create_registered_model(model)
    for _ in range(2):
        client.create_model_version(model, f"runs:/{run_id}/model", run_id)
    answer = graphql(f"""{{
        mlflowSearchModelVersions(input: {{filter: "name = '{model}'", maxResults: 1, orderBy: ["version_number DESC"]}}) {{
            modelVersions {{ name version creationTimestamp aliases tags {{ key }} }}
            nextPageToken
        }}
    }}""")
    assert answer["errors"] is None
    found = answer["data"]["mlflowSearchModelVersions"]
    version = client.get_model_version(model, "2")
    assert found["modelVersions"] == [{"name": model, "version": "2", "creationTimestamp": str(version.creation_timestamp),
                                       "aliases": [], "tags": []}]
    assert found["nextPageToken"] != ""


def test_query_limits_and_their_messages(graphql):
    too_many_roots = "query Q {" + " ".join(f'k{i}: test(inputString: "a") {{ output }}' for i in range(MAX_ROOT_FIELDS + 2)) + "}"
    assert graphql(too_many_roots) == {"data": None, "errors": [
        f"GraphQL queries should have at most {MAX_ROOT_FIELDS} root fields, got {MAX_ROOT_FIELDS + 2} root fields. "
        "To increase the limit, set the MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS environment variable."]}
    # Aliases spread over sibling fragments count together, as MLflow counts them.
    aliases = " ".join(f"e{i}: experiment {{ name }}" for i in range(MAX_ALIASES + 1))
    split = f"""fragment A on MlflowGetExperimentResponse {{ {aliases} }}
        fragment B on MlflowGetExperimentResponse {{ x: experiment {{ name }} }}
        query Q {{ mlflowGetExperiment(input: {{experimentId: "0"}}) {{ ...A ...B }} }}"""
    assert graphql(split) == {"data": None, "errors": [
        f"GraphQL queries should have at most {MAX_ALIASES} aliases, got {MAX_ALIASES + 2} aliases. "
        "To increase the limit, set the MLFLOW_SERVER_GRAPHQL_MAX_ALIASES environment variable."]}
    nested = "name"
    for _ in range(12):
        nested = f"name {{ {nested} }}"
    deep = f'query Q {{ mlflowGetExperiment(input: {{experimentId: "0"}}) {{ experiment {{ {nested} }} }} }}'
    assert graphql(deep) == {"data": None, "errors": ["Query exceeds maximum depth of 10"]}
    wide = 'query Q { mlflowGetExperiment(input: {experimentId: "0"}) { experiment { ' + " ".join(
        f"f{i} {{ name }}" for i in range(1001)) + " } } }"
    assert graphql(wide) == {"data": None, "errors": ["Query exceeds maximum total selections of 1000"]}


def test_operations_and_validation_errors(graphql):
    two = 'query A { test(inputString: "a") { output } } query B { test(inputString: "b") { output } }'
    assert graphql(two) == {"data": None, "errors": ["Must provide operation name if query contains multiple operations."]}
    assert graphql(two, operation="B") == {"data": {"test": {"output": "b"}}, "errors": None}
    unknown = graphql("query { noSuchField }")
    assert unknown["data"] is None and len(unknown["errors"]) == 1 and "noSuchField" in unknown["errors"][0]
