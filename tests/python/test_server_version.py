"""The server's version as the client reads it: the MLflow release served, so features the
client gates on the server's version are enabled."""

import mlflow
import pytest
import requests
from mlflow.entities.span import create_mlflow_span
from mlflow.exceptions import MlflowException
from mlflow.tracking._tracking_service.utils import _get_store
from opentelemetry.sdk.trace import TracerProvider
from packaging.version import Version


def test_version_is_the_mlflow_release_served(tracking_uri, against_mlflow):
    answer = requests.get(f"{tracking_uri}/version", timeout=10)
    assert answer.status_code == 200
    assert answer.text == mlflow.__version__
    store = _get_store(tracking_uri)
    assert store._get_server_version(store.get_host_creds()) == Version(mlflow.__version__)
    if not against_mlflow:
        own = requests.get(f"{tracking_uri}/api/aviary/version", timeout=10).json()
        assert own["mlflow"] == mlflow.__version__
        assert own["aviary"] == answer.headers["X-Aviary-Version"]


def test_a_feature_gated_on_server_version_3_4_goes_past_the_gate(tracking_uri, experiment_id, against_mlflow):
    # log_spans refuses servers older than 3.4 before sending anything; past that gate it posts
    # the spans, which mlflow server stores and Aviary (no traces) refuses by name.
    otel = TracerProvider().get_tracer("aviary-tests").start_span("probe")
    otel.end()
    span = create_mlflow_span(otel, f"tr-{otel.get_span_context().trace_id:032x}")
    store = _get_store(tracking_uri)
    if against_mlflow:
        assert store.log_spans(experiment_id, [span]) == [span]
        return
    with pytest.raises(MlflowException) as refused:
        store.log_spans(experiment_id, [span])
    assert refused.value.error_code == "ENDPOINT_NOT_FOUND"
    assert "traces API is not served by Aviary" in refused.value.message
