"""What a user would write instead of Aviary: one Python process that reads the alerts with
fastavro, builds Fink's flat dict of each, runs the bench's Fink-style `pre_processing` and the
same three models as bench/broker's end-to-end run (the two scikit-learn ones through
mlflow.pyfunc, the ONNX one through onnxruntime, with the broker config's inputs), and writes
the scores into SQLite with executemany, a batch at a time.

    python plain_python_broker.py ALERTS_DIR DB_FILE SCORES_TSV [--batch-size 1000]

The models are the registry's @champion versions at MLFLOW_TRACKING_URI. SCORES_TSV gets one
line an alert: candid (exact digits), pre_score, fields_score, boosted_score (repr: the shortest
text that reads back as the same double), for bench/broker's parity check. Prints, as JSON, its
counts, its times (model loading apart) and its own CPU and peak RSS from getrusage.
"""

import argparse
import json
import os
import resource
import sqlite3
import sys
import time

import fastavro
import mlflow
import mlflow.pyfunc
import numpy as np
import onnxruntime
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "preprocessing"))
from preprocessing import FEATURE_NAMES, pre_processing  # noqa: E402

# The broker config's `inputs` (end-to-end.ts, from train_models.py).
INPUTS = ["magpsf", "sigmapsf", "fwhm", "elong", "classtar", "ndethist", "drb", "rb"]
ONNX_INPUTS = ["magap", "magnr", "diffmaglim", "sgscore1", "distpsnr1", "chipsf", "scorr", "ncovhist"]
CUTOUTS = {"cutoutScience", "cutoutTemplate", "cutoutDifference"}


def flat_dict(record):
    """Fink's flat alert dict, as src/broker/fink-alert-dict.ts builds it for ZTF."""
    alert = {"objectId": record["objectId"], "candid": record["candid"]}
    for key, value in (record.get("candidate") or {}).items():
        alert.setdefault(key, value)
    alert["prv_candidates"] = record.get("prv_candidates") or []
    for key, value in record.items():
        if key == "candidate" or key in CUTOUTS or key == "prv_candidates" or key in alert:
            continue
        alert[key] = value
    return alert


def alert_files(folder):
    return sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".avro"))


def number(value):
    return np.nan if value is None else value


def score(batch, models, db):
    pre, fields, boosted = models
    features = pd.DataFrame([pre_processing(a) for a in batch], columns=FEATURE_NAMES, dtype="float64")
    pre_scores = np.asarray(pre.predict(features))[:, 1]
    rows = pd.DataFrame([{k: number(a[k]) for k in INPUTS} for a in batch], dtype="float64")
    fields_scores = np.asarray(fields.predict(rows))[:, 1]
    x = np.array([[number(a[k]) for k in ONNX_INPUTS] for a in batch], dtype="float32")
    boosted_scores = boosted.run(["probabilities"], {boosted.get_inputs()[0].name: x})[0][:, 1]
    out = [
        (a["candid"], a["objectId"], float(p), float(f), float(b))
        for a, p, f, b in zip(batch, pre_scores, fields_scores, boosted_scores)
    ]
    db.executemany("INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?, ?)", out)
    db.commit()
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("alerts")
    parser.add_argument("db")
    parser.add_argument("scores")
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()
    began = time.perf_counter()
    pre = mlflow.pyfunc.load_model("models:/bench_pre@champion")
    fields = mlflow.pyfunc.load_model("models:/bench_inputs@champion")
    onnx_dir = mlflow.artifacts.download_artifacts("models:/bench_onnx@champion")
    # Default session options, as Aviary's onnxruntime-node session: the tree ensemble's sums
    # depend on how its trees are split between threads.
    boosted = onnxruntime.InferenceSession(os.path.join(onnx_dir, "model.onnx"), providers=["CPUExecutionProvider"])
    models = (pre, fields, boosted)
    db = sqlite3.connect(args.db)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS scores (candid INTEGER PRIMARY KEY, object_id TEXT,"
        " pre_score REAL, fields_score REAL, boosted_score REAL)"
    )
    flowing = time.perf_counter()
    count = 0
    batch = []
    with open(args.scores, "w") as out:
        def flush():
            for candid, _object, p, f, b in score(batch, models, db):
                out.write(f"{candid}\t{p!r}\t{f!r}\t{b!r}\n")
            batch.clear()

        for path in alert_files(args.alerts):
            with open(path, "rb") as f:
                for record in fastavro.reader(f):
                    batch.append(flat_dict(record))
                    count += 1
                    if len(batch) >= args.batch_size:
                        flush()
        if batch:
            flush()
    db.close()
    end = time.perf_counter()
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    json.dump(
        {
            "alerts": count,
            "seconds": end - began,
            "loadSeconds": flowing - began,
            "flowingSeconds": end - flowing,
            "alertsPerSecond": count / (end - flowing) if end > flowing else 0,
            "cpuSeconds": me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime,
            "maxRssKb": me.ru_maxrss,
        },
        sys.stdout,
    )
    print(f"plain Python: {count} alerts, {count / (end - flowing):.0f} alerts/s after loading the models", file=sys.stderr)


if __name__ == "__main__":
    main()
