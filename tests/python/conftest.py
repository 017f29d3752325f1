"""Starts the tracking server the suite drives with the real `mlflow` client.

AVIARY_TEST_AGAINST picks the server:
  aviary (default)  `node bin/aviary.js server` (run `npm run build` first)
  mlflow            the real `mlflow server` from this interpreter's environment, with a
                    SQLite store and proxied artifacts: proof that a test encodes MLflow's
                    own behaviour
  http://host:port  a server already running there (not started or stopped here; the
                    tests expect Aviary's answers where Aviary and MLflow differ)
AVIARY_TEST_BACKEND picks the database of a started Aviary:
  sqlite (default)  the SQLite file in the data folder
  postgres          a new database on a real PostgreSQL started for the session
                    (tests/ts/postgres/serve-postgres.ts) and stopped after it
Each run gets a fresh data folder; the server's output goes to test-output/<name>-server.log.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import mlflow
import pytest
import requests

# A server error must fail a test at once, not after minutes of client retries with backoff.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "30")
# No telemetry from the client or the real server: this machine reaches no such service.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "test-output"
TARGET = os.environ.get("AVIARY_TEST_AGAINST", "aviary")
BACKEND = os.environ.get("AVIARY_TEST_BACKEND", "sqlite")
START_TIMEOUT_S = {"aviary": 20, "mlflow": 90}


def server_log(name: str) -> Path:
    """Where a started server's output goes: test-output/<name>-server.log, -postgres- on PostgreSQL."""
    return OUTPUT / (f"{name}-server.log" if BACKEND == "sqlite" else f"{name}-{BACKEND}-server.log")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_command(target: str, port: int, data: Path, store: list[str]) -> list[str]:
    if target == "aviary":
        bundle = REPO / "dist" / "aviary.js"
        if not bundle.exists():
            pytest.exit(f"{bundle} is missing: run `npm run build` first", returncode=2)
        return ["node", str(REPO / "bin" / "aviary.js"), "server", "--host", "127.0.0.1",
                "--port", str(port), "--data-dir", str(data), *store]
    if target == "mlflow":
        return [sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1",
                "--port", str(port), "--workers", "1",
                "--backend-store-uri", f"sqlite:///{data / 'mlflow.db'}",
                "--artifacts-destination", str(data / "artifacts")]
    raise pytest.UsageError(f"AVIARY_TEST_AGAINST={target!r}: expected aviary, mlflow or a URL")


def _log_tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:]) or "(empty)"


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode} before answering /health; "
                        f"log tail ({log}):\n{_log_tail(log)}", pytrace=False)
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    pytest.fail(f"server did not answer /health within {timeout_s:.0f} s; "
                f"log tail ({log}):\n{_log_tail(log)}", pytrace=False)


def _stop(proc: subprocess.Popen) -> None:
    """Ends the server and anything it spawned (mlflow runs uvicorn as a child)."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


class LocalPostgres:
    """A real PostgreSQL for the session, run by tests/ts/postgres/serve-postgres.ts."""

    def __init__(self):
        OUTPUT.mkdir(exist_ok=True)
        self.log = OUTPUT / "postgres.log"
        with open(self.log, "wb") as err:
            self.proc = subprocess.Popen(["node", "--import", "tsx", "tests/ts/postgres/serve-postgres.ts"],
                                         cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                         text=True, start_new_session=True)
        if self.proc.stdout.readline().strip() != "ready":
            self.proc.wait()
            pytest.fail(f"PostgreSQL did not start: {_log_tail(self.log)}", pytrace=False)

    def database(self) -> str:
        """The URI of a new empty database."""
        self.proc.stdin.write("database\n")
        self.proc.stdin.flush()
        uri = self.proc.stdout.readline().strip()
        if not uri.startswith("postgresql://"):
            pytest.fail(f"no database from serve-postgres: {uri or _log_tail(self.log)}", pytrace=False)
        return uri

    def stop(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@pytest.fixture(scope="session")
def postgres():
    if BACKEND != "postgres":
        yield None
        return
    server = LocalPostgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def store_flags(postgres):
    """The flags that give a started Aviary its database: a new one per call on PostgreSQL."""
    if BACKEND not in ("sqlite", "postgres"):
        raise pytest.UsageError(f"AVIARY_TEST_BACKEND={BACKEND!r}: expected sqlite or postgres")
    if postgres is not None and TARGET != "aviary":
        raise pytest.UsageError("AVIARY_TEST_BACKEND=postgres chooses the database of a started Aviary: "
                                "use it with AVIARY_TEST_AGAINST=aviary")
    return lambda: ["--backend-store-uri", postgres.database()] if postgres is not None else []


@pytest.fixture(scope="session")
def server(store_flags):
    """(base URL, data folder or None, backend store URI or None) of the server under test."""
    if re.match(r"https?://", TARGET):
        url = TARGET.rstrip("/")
        _wait_healthy_external(url)
        yield from _use_tracking_uri(url, None, None)
        return
    OUTPUT.mkdir(exist_ok=True)
    log = server_log(TARGET)
    with tempfile.TemporaryDirectory(prefix=f"{TARGET}-test-") as data, open(log, "wb") as out:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        store = store_flags() if TARGET == "aviary" else []
        proc = subprocess.Popen(_server_command(TARGET, port, Path(data), store), cwd=REPO, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            _wait_healthy(url, proc, log, START_TIMEOUT_S[TARGET])
            yield from _use_tracking_uri(url, Path(data), store[1] if store else None)
        finally:
            _stop(proc)


@pytest.fixture(scope="session")
def tracking_uri(server) -> str:
    """The server's base URL; MLFLOW_TRACKING_URI points at it for the session."""
    return server[0]


@pytest.fixture(scope="session")
def server_data_dir(server) -> Path | None:
    """The folder the started server keeps its data in (None for an external server)."""
    return server[1]


@pytest.fixture(scope="session")
def backend_store_uri(server) -> str | None:
    """The PostgreSQL URI the started server's database is at; None for SQLite in its data folder."""
    return server[2]


def _wait_healthy_external(url: str) -> None:
    try:
        requests.get(f"{url}/health", timeout=5).raise_for_status()
    except requests.RequestException as e:
        pytest.fail(f"{url}/health does not answer: {e}", pytrace=False)


def _use_tracking_uri(url: str, data: Path | None, store_uri: str | None):
    old = os.environ.get("MLFLOW_TRACKING_URI")
    os.environ["MLFLOW_TRACKING_URI"] = url
    mlflow.set_tracking_uri(url)
    try:
        yield url, data, store_uri
    finally:
        if old is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)
        else:
            os.environ["MLFLOW_TRACKING_URI"] = old


@pytest.fixture(scope="session")
def against_mlflow() -> bool:
    """True when the suite runs against the real MLflow server (for noted differences)."""
    return TARGET == "mlflow"


@pytest.fixture
def client(tracking_uri) -> mlflow.MlflowClient:
    return mlflow.MlflowClient(tracking_uri)


@pytest.fixture
def api(tracking_uri):
    """Raw REST access: api.post('experiments/create', json=...) -> requests.Response."""
    return RestApi(tracking_uri)


class RestApi:
    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()

    def url(self, path: str) -> str:
        return f"{self.base}{path}" if path.startswith("/") else f"{self.base}/api/2.0/mlflow/{path}"

    def get(self, path: str, **kw) -> requests.Response:
        return self.http.get(self.url(path), **{"timeout": 30, **kw})

    def post(self, path: str, **kw) -> requests.Response:
        return self.http.post(self.url(path), **{"timeout": 30, **kw})

    def put(self, path: str, **kw) -> requests.Response:
        return self.http.put(self.url(path), **{"timeout": 30, **kw})

    def delete(self, path: str, **kw) -> requests.Response:
        return self.http.delete(self.url(path), **{"timeout": 30, **kw})


def unique_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def experiment_id(request, client) -> str:
    """A fresh experiment named after the test, made active for the fluent API."""
    test = re.sub(r"[^A-Za-z0-9_]+", "_", request.node.name)[:80]
    exp = mlflow.set_experiment(unique_name(test))
    yield exp.experiment_id
    while mlflow.active_run() is not None:
        mlflow.end_run()


@pytest.fixture
def run_id(experiment_id, client) -> str:
    """A fresh RUNNING run in the test's experiment (not the fluent active run)."""
    return client.create_run(experiment_id).info.run_id
