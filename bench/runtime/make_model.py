"""Builds the one model bench/runtime scores three ways, and the rows it scores.

Usage: python make_model.py OUT_DIR

Writes into OUT_DIR:
  sklearn/       a RandomForestClassifier (100 trees, depth 10, 20 features) saved with
                 mlflow.sklearn.save_model: pyfunc predict gives class labels
  onnx/          the same forest through skl2onnx (float32 input, zipmap=False), mlflow.onnx.save_model
  features.f64   ROWS rows of FEATURES, column-major little-endian float64: the batches' rows
  meta.json      feature names, rows, what sklearn predicts for them, and how the model was made
"""

import json
import os
import sys
import time

import mlflow.onnx
import mlflow.sklearn
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from skl2onnx import to_onnx
from sklearn.ensemble import RandomForestClassifier

FEATURES = [f"f{i}" for i in range(20)]
# The pins of src/runtime/testing/make_models.py: the model's environment is then the one the
# runtime tests already built (a cached environment), and given, save_model infers nothing.
REQUIREMENTS = ["mlflow==3.17.2", "scikit-learn==1.9.1", "pandas==3.1.1", "numpy==2.4.6"]
TRAIN_ROWS = 20_000
ROWS = 1000
FOREST = {"n_estimators": 100, "max_depth": 10, "random_state": 0, "n_jobs": 1}


def dataset(rng, rows):
    X = rng.normal(size=(rows, len(FEATURES)))
    signal = X[:, 0] + X[:, 1] * X[:, 2] - X[:, 3] ** 2 + 0.5 * np.sin(3 * X[:, 4]) + 0.3 * X[:, 5:].sum(axis=1)
    y = (signal + rng.normal(scale=0.5, size=rows) > 0).astype("int64")
    return pd.DataFrame(X, columns=FEATURES), y


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    X_train, y_train = dataset(rng, TRAIN_ROWS)
    X, _ = dataset(rng, ROWS)
    t0 = time.perf_counter()
    clf = RandomForestClassifier(**FOREST).fit(X_train, y_train)
    fit_seconds = time.perf_counter() - t0
    labels = clf.predict(X)

    # MLflow saves scikit-learn models with skops, which trusts tree node storage only when told.
    mlflow.sklearn.save_model(
        clf, f"{out}/sklearn", signature=infer_signature(X, labels), pip_requirements=REQUIREMENTS,
        skops_trusted_types=["sklearn.tree._tree.Tree"],
    )
    onx = to_onnx(clf, X.to_numpy(dtype="float32")[:1], options={id(clf): {"zipmap": False}}, target_opset=17)
    mlflow.onnx.save_model(onx, f"{out}/onnx", pip_requirements=["onnx==1.23.2", "onnxruntime==1.31.1"])

    X.to_numpy(dtype="<f8").T.copy().tofile(f"{out}/features.f64")
    with open(f"{out}/meta.json", "w") as f:
        json.dump(
            {
                "features": FEATURES,
                "rows": ROWS,
                "labels": labels.tolist(),
                "model": f"RandomForestClassifier({', '.join(f'{k}={v}' for k, v in FOREST.items())}) on {TRAIN_ROWS} rows, fitted in {fit_seconds:.1f} s",
            },
            f,
        )


if __name__ == "__main__":
    main(sys.argv[1])
