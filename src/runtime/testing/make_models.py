"""Builds the models the runtime tests serve, and what they must predict.

Usage: python make_models.py OUT_DIR

Writes into OUT_DIR:
  sklearn-classifier/  mlflow.sklearn.save_model: pyfunc predict gives class labels
  sklearn-proba/       the same classifier, pyfunc_predict_fn="predict_proba" (a 2-D output)
  onnx-classifier/     the same classifier through skl2onnx (zipmap=False), mlflow.onnx.save_model
  onnx-zipmap/         the same, with skl2onnx's default ZipMap probabilities (a sequence of maps)
  onnx-two-inputs/     a hand-made ONNX graph: inputs a [N, 1] float, b [N] double; sum, product
  misbehaving/         a PythonModel whose rows choose what it does (see Misbehaving)
  typed/               a PythonModel whose signature takes a long column: says the dtype it got
  expected.json        the features and what the sklearn model predicted for them
  timings.json         model.predict in a plain Python loop: 1 row and 1000 rows
"""

import json
import os
import sys
import time

import mlflow.onnx
import mlflow.pyfunc
import mlflow.sklearn
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from skl2onnx import to_onnx
from sklearn.linear_model import LogisticRegression

FEATURES = ["f0", "f1", "f2", "f3"]
# Given, so save_model skips inferring requirements (a subprocess that loads the model: ~10 s each).
REQUIREMENTS = ["mlflow==3.17.2", "scikit-learn==1.9.1", "pandas==3.1.1", "numpy==2.4.6"]
ROWS = 1000


class Misbehaving(mlflow.pyfunc.PythonModel):
    """Columns: x (number), mode (string). Answers y = 2x and a word per row, unless a row's
    mode says otherwise: "raise" raises ValueError, "sleep" sleeps for x seconds first,
    "print" writes to stdout (which must not reach the protocol), "oom" allocates x GiB,
    "exit" ends the process with code 3, "spawn" starts a `sleep` child that outlives predict."""

    def predict(self, context, model_input, params=None):
        import os
        import sys
        import time

        for mode, x in zip(model_input["mode"], model_input["x"]):
            if mode == "raise":
                raise ValueError(f"bad row with x={x}")
            if mode == "sleep":
                print(f"sleeping {x}s", flush=True)
                time.sleep(float(x))
            if mode == "print":
                print("hello from predict")
                sys.stdout.write("raw text on stdout\n")
                sys.stdout.flush()
                os.write(1, b"bytes on fd 1\n")
            if mode == "oom":
                bytearray(int(float(x) * (1 << 30)))
            if mode == "exit":
                os._exit(3)
            if mode == "spawn":
                import subprocess

                child = subprocess.Popen(["sleep", "300"])
                print(f"spawned child pid {child.pid}", flush=True)
        x = model_input["x"].to_numpy(dtype="float64")
        return pd.DataFrame({"y": x * 2, "word": ["even" if int(v) % 2 == 0 else "odd" for v in x]})


class Typed(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        n = model_input["n"]
        return pd.DataFrame({"next": n + 1, "dtype": [str(n.dtype)] * len(n)})


def two_inputs():
    """sum = a + b and product = a * b, per row, with a [N, 1] float32 and b [N] float64."""
    from onnx import TensorProto, helper

    nodes = [
        helper.make_node("Reshape", ["a", "flat"], ["a1"]),
        helper.make_node("Cast", ["a1"], ["a64"], to=TensorProto.DOUBLE),
        helper.make_node("Add", ["a64", "b"], ["sum"]),
        helper.make_node("Mul", ["a64", "b"], ["product"]),
    ]
    graph = helper.make_graph(
        nodes,
        "two_inputs",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [None, 1]), helper.make_tensor_value_info("b", TensorProto.DOUBLE, [None])],
        [helper.make_tensor_value_info("sum", TensorProto.DOUBLE, [None]), helper.make_tensor_value_info("product", TensorProto.DOUBLE, [None])],
        [helper.make_tensor("flat", TensorProto.INT64, [1], [-1])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    X = pd.DataFrame(rng.normal(size=(ROWS, len(FEATURES))), columns=FEATURES)
    y = (X["f0"] + 0.5 * X["f1"] - X["f2"] * X["f3"] + rng.normal(scale=0.5, size=ROWS) > 0).astype("int64")
    clf = LogisticRegression().fit(X, y)
    labels = clf.predict(X)
    proba = clf.predict_proba(X)

    mlflow.sklearn.save_model(clf, f"{out}/sklearn-classifier", signature=infer_signature(X, labels), pip_requirements=REQUIREMENTS
    )
    mlflow.sklearn.save_model(
        clf, f"{out}/sklearn-proba", signature=infer_signature(X, proba), pyfunc_predict_fn="predict_proba",
        pip_requirements=REQUIREMENTS,
    )
    for name, zipmap in (("onnx-classifier", False), ("onnx-zipmap", True)):
        onx = to_onnx(clf, X.to_numpy(dtype="float32")[:1], options={id(clf): {"zipmap": zipmap}}, target_opset=17)
        mlflow.onnx.save_model(onx, f"{out}/{name}", pip_requirements=["onnx==1.23.2", "onnxruntime==1.31.1"])
    mlflow.onnx.save_model(two_inputs(), f"{out}/onnx-two-inputs", pip_requirements=["onnx==1.23.2", "onnxruntime==1.31.1"])
    frame = pd.DataFrame({"x": [1.0], "mode": ["ok"]})
    mlflow.pyfunc.save_model(
        f"{out}/misbehaving",
        python_model=Misbehaving(),
        signature=infer_signature(frame, Misbehaving().predict(None, frame)),
        pip_requirements=REQUIREMENTS,
    )

    typed = pd.DataFrame({"n": pd.Series([1], dtype="int64")})
    mlflow.pyfunc.save_model(
        f"{out}/typed",
        python_model=Typed(),
        signature=infer_signature(typed, Typed().predict(None, typed)),
        pip_requirements=REQUIREMENTS,
    )

    with open(f"{out}/expected.json", "w") as f:
        json.dump(
            {
                "features": FEATURES,
                "columns": [X[c].tolist() for c in FEATURES],
                "labels": labels.tolist(),
                "proba": proba.tolist(),
            },
            f,
        )

    model = mlflow.pyfunc.load_model(f"{out}/sklearn-classifier")
    timings = {}
    for rows in (1, 1000):
        batch = X.iloc[:rows]
        model.predict(batch)
        runs = 200 if rows == 1 else 50
        t0 = time.perf_counter()
        for _ in range(runs):
            model.predict(batch)
        timings[f"rows_{rows}_ms"] = (time.perf_counter() - t0) * 1000 / runs
    with open(f"{out}/timings.json", "w") as f:
        json.dump(timings, f)


if __name__ == "__main__":
    main(sys.argv[1])
