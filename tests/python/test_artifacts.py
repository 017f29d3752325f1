"""Artifacts through the server's proxy: upload, listing and byte-exact download."""

import json
import os
from pathlib import Path

import mlflow
import pytest


@pytest.fixture
def tree(tmp_path):
    """A folder with nested subfolders, text, JSON and random binary content."""
    root = tmp_path / "tree"
    (root / "plots" / "deep").mkdir(parents=True)
    (root / "notes.txt").write_text("light curve notes\n")
    (root / "plots" / "summary.json").write_text(json.dumps({"auc": 0.93, "n": 11}))
    (root / "plots" / "deep" / "weights.bin").write_bytes(os.urandom(300_000))
    (root / "plots" / "deep" / "with space.txt").write_text("spaces survive")
    return root


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_artifact_uri_is_proxied(run_id, client):
    assert client.get_run(run_id).info.artifact_uri.startswith("mlflow-artifacts:/")


def test_log_artifact_and_artifacts_then_download(experiment_id, client, tree, tmp_path):
    single = tmp_path / "report.csv"
    single.write_text("a,b\n1,2\n")
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(single))
        mlflow.log_artifact(str(single), artifact_path="reports/2024")
        mlflow.log_artifacts(str(tree), artifact_path="tree")
    run_id = run.info.run_id

    top = {f.path: f for f in client.list_artifacts(run_id)}
    assert set(top) == {"report.csv", "reports", "tree"}
    assert not top["report.csv"].is_dir and top["report.csv"].file_size == single.stat().st_size
    assert top["reports"].is_dir and top["tree"].is_dir

    plots = {f.path: f for f in client.list_artifacts(run_id, "tree/plots")}
    assert set(plots) == {"tree/plots/summary.json", "tree/plots/deep"}
    assert plots["tree/plots/deep"].is_dir
    deep = {f.path: f.file_size for f in client.list_artifacts(run_id, "tree/plots/deep")}
    assert deep == {"tree/plots/deep/weights.bin": 300_000,
                    "tree/plots/deep/with space.txt": len("spaces survive")}

    out = Path(mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="tree",
                                                   dst_path=str(tmp_path / "dl")))
    assert files_under(out) == files_under(tree)

    nested = client.download_artifacts(run_id, "reports/2024/report.csv", str(tmp_path / "one"))
    assert Path(nested).read_bytes() == single.read_bytes()


def test_binary_file_bytes_are_exact(run_id, client, tmp_path):
    data = os.urandom(1_500_000) + bytes(range(256))
    src = tmp_path / "noise.bin"
    src.write_bytes(data)
    client.log_artifact(run_id, str(src), artifact_path="bin")
    got = client.download_artifacts(run_id, "bin/noise.bin", str(tmp_path / "dl"))
    assert Path(got).read_bytes() == data


def test_load_text_and_dict(run_id, client):
    client.log_text(run_id, "héllo, ünïcode ✓\n", "texts/hello.txt")
    client.log_dict(run_id, {"classes": ["SN Ia", "AGN"], "k": 2}, "meta/labels.json")
    uri = client.get_run(run_id).info.artifact_uri
    assert mlflow.artifacts.load_text(f"{uri}/texts/hello.txt") == "héllo, ünïcode ✓\n"
    assert mlflow.artifacts.load_dict(f"runs:/{run_id}/meta/labels.json") == {
        "classes": ["SN Ia", "AGN"], "k": 2}


def test_overwrite_artifact(run_id, client, tmp_path):
    src = tmp_path / "v.txt"
    src.write_text("one")
    client.log_artifact(run_id, str(src))
    src.write_text("two, longer")
    client.log_artifact(run_id, str(src))
    got = client.download_artifacts(run_id, "v.txt", str(tmp_path / "dl"))
    assert Path(got).read_text() == "two, longer"


def test_empty_run_has_no_artifacts(run_id, client):
    assert client.list_artifacts(run_id) == []
