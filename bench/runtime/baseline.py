"""The shared-environment baseline: a plain Python process that loads the model with
mlflow.pyfunc.load_model (the call the worker makes) and times predict in a loop.

Usage: <model env python> baseline.py --model-dir DIR --features FILE --meta FILE --worker-dir DIR

Driven by bench/runtime/baseline-process.ts, one JSON object a line each way:
  {"op": "time", "target": T, "rows": n, "seconds": s, "min": k, "max": m} -> {"samples": [ms, ...]}
     T: "pyfunc" (model.predict on a DataFrame built once from a 2-D array), "sklearn" (the
     estimator's own predict on it)
  {"op": "stages", "rows": n, "iterations": k} -> {stage: median ms}: the worker's own functions
     (aviary_worker.py, imported) on a PREDICT payload as the host sends it, step by step
The first line out is {"ready": true, "load_ms", "versions"}. The protocol has its own copy of
fd 1; whatever MLflow prints goes to stderr.
"""

import argparse
import json
import os
import statistics
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    for name in ("--model-dir", "--features", "--meta", "--worker-dir"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.path.insert(0, args.worker_dir)

    import aviary_worker
    import mlflow
    import mlflow.pyfunc
    import numpy as np
    import pandas as pd

    meta = json.load(open(args.meta))
    features, total = meta["features"], meta["rows"]
    X = np.ascontiguousarray(np.fromfile(args.features, dtype="<f8").reshape(len(features), total).T)
    t0 = time.perf_counter()
    model = mlflow.pyfunc.load_model(args.model_dir)
    load_ms = (time.perf_counter() - t0) * 1000  # as the worker's load_ms: scikit-learn imported by the loader
    import sklearn

    estimator = model.get_raw_model()
    worker_model = aviary_worker.Model(args.model_dir)  # the worker's own wrapper, loaded the same way
    frames, payloads = {}, {}

    def frame(rows):
        if rows not in frames:
            frames[rows] = pd.DataFrame(X[:rows], columns=features)
        return frames[rows]

    def payload(rows):
        """A PREDICT payload as the host sends it: one raw float64 section per column."""
        if rows not in payloads:
            payloads[rows] = aviary_worker.encode_batch(rows, [(n, "float64", X[:rows, i].astype("<f8").tobytes()) for i, n in enumerate(features)])
        return payloads[rows]

    targets = {
        "pyfunc": lambda rows: model.predict(frame(rows)),
        "sklearn": lambda rows: estimator.predict(frame(rows)),
    }

    def send(value):
        out.write(json.dumps(value) + "\n")
        out.flush()

    versions = {
        "python": sys.version.split()[0],
        "mlflow": mlflow.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }
    send({"ready": True, "load_ms": load_ms, "versions": versions})
    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "time":
            send({"samples": loop(lambda: targets[request["target"]](request["rows"]), request["seconds"], request["min"], request["max"])})
        elif request["op"] == "stages":
            rows = request["rows"]
            send(stages(worker_model, aviary_worker, payload(rows), frame(rows), estimator, request["iterations"], np, pd))
        else:
            send({"error": f"unknown op {request['op']}"})


def loop(call, seconds, least, most):
    samples = []
    began = time.perf_counter()
    while len(samples) < most and (len(samples) < least or time.perf_counter() - began < seconds):
        t0 = time.perf_counter()
        call()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def stages(worker_model, aw, payload, frame_2d, estimator, iterations, np, pd):
    """Median ms of each step of the worker's PREDICT handling (aviary_worker.serve), timed apart,
    and beside them, in the same loop: pyfunc and the estimator on the baseline's DataFrame (before
    the steps on even iterations, after them on odd ones), the per-iteration difference between the
    two pyfunc calls, and the DataFrame made column by column, as the worker did before the block."""
    keys = ("decode", "dataframe", "pyfunc_predict", "output_columns", "encode", "pyfunc_predict_2d", "sklearn_predict", "dataframe_per_column")
    timings = {k: [] for k in keys + ("frame_effect",)}

    def beside():
        t0 = time.perf_counter()
        worker_model.model.predict(frame_2d)
        t1 = time.perf_counter()
        estimator.predict(frame_2d)
        t2 = time.perf_counter()
        return t1 - t0, t2 - t1

    for i in range(iterations):
        before = beside() if i % 2 == 0 else None
        t0 = time.perf_counter()
        rows, columns, params, block = aw.decode_batch(payload)
        t1 = time.perf_counter()
        if block is None:
            raise ValueError("the bench's batches are all float64: decode_batch should give their block")
        # Model.predict's own first lines for an all-float64 batch (the bench's): one array over
        # the block, one pandas block, the column Index from the model's cache.
        names = tuple(name for name, _, _ in columns)
        values = np.frombuffer(block, dtype="<f8", count=rows * len(names)).reshape(len(names), rows).T
        frame = pd.DataFrame(values, columns=worker_model.column_index(names), index=pd.RangeIndex(rows), copy=False)
        t2 = time.perf_counter()
        result = worker_model.model.predict(frame)
        t3 = time.perf_counter()
        answer = aw.output_columns(result, rows)
        t4 = time.perf_counter()
        aw.encode_batch(rows, answer, {"predict_ms": 0.0})
        t5 = time.perf_counter()
        # For comparison: one frombuffer array per column, then pd.DataFrame of the dict.
        pd.DataFrame({name: np.frombuffer(value, dtype="<f8", count=rows) for name, _, value in columns}, index=pd.RangeIndex(rows))
        t6 = time.perf_counter()
        pyfunc_2d, sklearn_2d = before or beside()
        steps = (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, pyfunc_2d, sklearn_2d, t6 - t5, (t3 - t2) - pyfunc_2d)
        for key, seconds in zip(timings, steps):
            timings[key].append(seconds * 1000)
    return {k: statistics.median(v) for k, v in timings.items()}

if __name__ == "__main__":
    main()
