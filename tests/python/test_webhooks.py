"""Webhooks (MLflow 3): the client's create/list/get/update/test/delete calls, and deliveries
of registry events to a receiver that checks signatures as MLflow's documentation shows and
against MLflow's own signing function (mlflow.webhooks has no public verification helper).

Both MLflow and Aviary refuse http:// and loopback webhook URLs unless told otherwise; the
variables below reach the server because pytest imports this file (collection) before the
session server fixture starts it from this process's environment.
MLflow also caches the webhooks of each event for 60 s, so each delivery test listens to an
event type no earlier test in this file fires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from mlflow.entities.webhook import WebhookEvent, WebhookStatus
from mlflow.webhooks.delivery import _generate_hmac_signature
from mlflow.webhooks.types import ModelVersionAliasCreatedPayload, RegisteredModelCreatedPayload

from conftest import unique_name

os.environ.setdefault("MLFLOW_WEBHOOK_ALLOWED_SCHEMES", "http,https")
os.environ.setdefault("MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS", "true")
# A fixed key, so the test below can open the stored secret as MLflow itself would.
ENCRYPTION_KEY = os.environ.setdefault("MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY",
                                       "f3nXq0V9r2v2cZ8yJ2m6H0mJmQ1k3sYtq1w8dV4lX9E=")

SECRET = "whsec-py-3c1f0e9a"
MAX_SKEW_S = 300


def verify(secret: str, headers, body: str) -> bool:
    """A receiver's check, as MLflow's webhook documentation describes it."""
    signature = headers.get("X-MLflow-Signature", "")
    delivery_id = headers.get("X-MLflow-Delivery-Id", "")
    timestamp = headers.get("X-MLflow-Timestamp", "")
    if not signature.startswith("v1,") or not timestamp.isdigit():
        return False
    if abs(time.time() - int(timestamp)) > MAX_SKEW_S:
        return False
    digest = hmac.new(secret.encode(), f"{delivery_id}.{timestamp}.{body}".encode(), hashlib.sha256)
    if not hmac.compare_digest(signature, "v1," + base64.b64encode(digest.digest()).decode()):
        return False
    # And byte for byte what MLflow's own delivery code would have signed.
    return signature == _generate_hmac_signature(secret, delivery_id, timestamp, body)


class Receiver:
    """Records each POST (path, headers, body) and answers 200."""

    def __init__(self):
        self.requests: list[tuple[str, dict, str]] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                with outer.lock:
                    outer.requests.append((self.path, dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"received")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def at(self, path: str) -> list[tuple[dict, str]]:
        with self.lock:
            return [(h, b) for p, h, b in self.requests if p == path]

    def wait_for(self, path: str, count: int, timeout_s: float = 10) -> list[tuple[dict, str]]:
        deadline = time.monotonic() + timeout_s
        while len(self.at(path)) < count:
            assert time.monotonic() < deadline, f"{path}: {len(self.at(path))} of {count} deliveries"
            time.sleep(0.02)
        return self.at(path)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def webhooks(client):
    """Creates webhooks through the client and deletes them after the test."""
    made = []

    def create(**kw):
        hook = client.create_webhook(**kw)
        made.append(hook.webhook_id)
        return hook

    yield create
    for webhook_id in made:
        client.delete_webhook(webhook_id)


def test_create_list_get_update_delete(client, api, receiver, webhooks):
    name = unique_name("hook")
    hook = webhooks(
        name=name,
        url=receiver.url("/crud"),
        events=["registered_model.created", "model_version_alias.created"],
        description="tell the broker",
        secret=SECRET,
    )
    assert hook.name == name
    assert hook.url == receiver.url("/crud")
    assert hook.status == WebhookStatus.ACTIVE
    assert hook.description == "tell the broker"
    # MLflow gives the events back in its table's order; Aviary keeps the order given.
    assert sorted(str(e) for e in hook.events) == ["model_version_alias.created", "registered_model.created"]
    assert hook.secret is None
    assert hook.creation_timestamp > 0

    assert hook.webhook_id in [w.webhook_id for w in client.list_webhooks(max_results=1000)]
    got = client.get_webhook(hook.webhook_id)
    assert (got.name, got.url, got.events) == (hook.name, hook.url, hook.events)

    updated = client.update_webhook(hook.webhook_id, status="DISABLED", description="paused")
    assert updated.status == WebhookStatus.DISABLED
    assert updated.description == "paused"
    assert updated.name == name

    # The secret never comes back, in any answer.
    for text in (
        api.get(f"webhooks/{hook.webhook_id}").text,
        api.get("webhooks", params={"max_results": 1000}).text,
        api.http.patch(api.url(f"webhooks/{hook.webhook_id}"), json={"secret": "rotated-" + SECRET}, timeout=30).text,
    ):
        assert SECRET not in text
        assert "secret" not in text


def test_secret_is_stored_encrypted_as_mlflow_stores_it(client, receiver, webhooks, server_data_dir, backend_store_uri):
    """The database holds a Fernet token under MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY, never the
    secret: the same key opens it with Python's cryptography, as MLflow's own store would."""
    if server_data_dir is None:
        pytest.skip("an external server's database is not readable here")
    import sqlite3

    from cryptography.fernet import Fernet

    hook = webhooks(name=unique_name("at-rest"), url=receiver.url("/at-rest"),
                    events=["registered_model.created"], secret=SECRET)
    if backend_store_uri is not None:
        import psycopg2

        with psycopg2.connect(backend_store_uri) as conn, conn.cursor() as cur:
            cur.execute("SELECT secret FROM webhooks WHERE webhook_id = %s", (hook.webhook_id,))
            (stored,) = cur.fetchone()
        conn.close()
    else:
        db = next(p for p in (server_data_dir / "aviary.db", server_data_dir / "mlflow.db") if p.exists())
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            (stored,) = conn.execute("SELECT secret FROM webhooks WHERE webhook_id = ?",
                                     (hook.webhook_id,)).fetchone()
        raw = b"".join(p.read_bytes() for p in server_data_dir.glob(db.name + "*"))
        assert SECRET.encode() not in raw
    assert SECRET not in stored
    assert Fernet(ENCRYPTION_KEY.encode()).decrypt(stored.encode()).decode() == SECRET


def test_list_pages(client, receiver, webhooks):
    made = {webhooks(name=unique_name("page"), url=receiver.url("/pages"), events=["model_version.created"]).webhook_id
            for _ in range(3)}
    seen, token = [], None
    while True:
        page = client.list_webhooks(max_results=2, page_token=token)
        assert len(page) <= 2
        seen.extend(w.webhook_id for w in page)
        token = page.token
        if not token:
            break
    assert made <= set(seen)
    assert len(seen) == len(set(seen))


def test_test_webhook_sends_a_signed_example(client, receiver, webhooks):
    hook = webhooks(name=unique_name("probe"), url=receiver.url("/probe"),
                    events=["registered_model.created"], secret=SECRET)
    result = client.test_webhook(hook.webhook_id)
    assert result.success, result.error_message
    assert result.response_status == 200
    assert result.response_body == "received"
    headers, body = receiver.wait_for("/probe", 1)[0]
    assert verify(SECRET, headers, body)
    assert not verify("not-the-secret", headers, body)
    sent = json.loads(body)
    assert (sent["entity"], sent["action"]) == ("registered_model", "created")
    assert sent["data"] == RegisteredModelCreatedPayload.example()

    alias = client.test_webhook(hook.webhook_id, event=WebhookEvent.from_str("model_version_alias.created"))
    assert alias.success
    headers, body = receiver.wait_for("/probe", 2)[1]
    assert verify(SECRET, headers, body)
    assert json.loads(body)["data"] == ModelVersionAliasCreatedPayload.example()


def test_registry_events_are_delivered_signed(client, receiver, webhooks):
    webhooks(name=unique_name("live"), url=receiver.url("/live"),
             events=["registered_model.created"], secret=SECRET)
    off = webhooks(name=unique_name("off"), url=receiver.url("/off"),
                   events=["registered_model.created"], secret=SECRET, status="DISABLED")
    assert off.status == WebhookStatus.DISABLED
    name = unique_name("webhooked-model")
    client.create_registered_model(name, tags={"team": "transients"}, description="SN Ia")
    headers, body = receiver.wait_for("/live", 1)[0]
    assert verify(SECRET, headers, body)
    sent = json.loads(body)
    assert (sent["entity"], sent["action"]) == ("registered_model", "created")
    assert sent["data"] == {"name": name, "tags": {"team": "transients"}, "description": "SN Ia"}
    assert receiver.at("/off") == []


def test_alias_move_is_one_delivery(client, receiver, webhooks, run_id):
    name = unique_name("aliased")
    client.create_registered_model(name)
    for _ in range(2):
        client.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id)
    webhooks(name=unique_name("alias"), url=receiver.url("/alias"),
             events=["model_version_alias.created"], secret=SECRET)
    client.set_registered_model_alias(name, "champion", "1")
    receiver.wait_for("/alias", 1)
    client.set_registered_model_alias(name, "champion", "2")
    deliveries = receiver.wait_for("/alias", 2)
    time.sleep(0.5)  # room for a duplicate to show up, if one were sent
    deliveries = receiver.at("/alias")
    assert len(deliveries) == 2
    assert all(verify(SECRET, h, b) for h, b in deliveries)
    assert [json.loads(b)["data"] for _, b in deliveries] == [
        {"name": name, "alias": "champion", "version": "1"},
        {"name": name, "alias": "champion", "version": "2"},
    ]
