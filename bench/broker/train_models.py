"""Trains the three science modules of bench/broker's end-to-end run on real ZTF alerts and
registers them, with the real mlflow client, in the Aviary at MLFLOW_TRACKING_URI (@champion):

  bench_pre    random forest on the features of preprocessing/preprocessing.py (Fink style: the
               step is logged as the run's preprocessing/ folder), pyfunc predict_proba
  bench_inputs logistic regression on alert fields fed directly (the broker config's `inputs`),
               pyfunc predict_proba
  bench_onnx   gradient-boosted trees on other alert fields, converted with skl2onnx (zipmap off)
               and logged with mlflow.onnx: scored in-process

    python train_models.py ALERTS_JSONL OUT_JSON

ALERTS_JSONL holds one flat alert dict a line (Fink's dict, exact integers). The labels are
made up from the alerts (a bright, real-looking, rising source): the point is the work a model
does per alert, not its science. OUT_JSON gets the names, versions and features.
"""

import json
import os
import sys

import mlflow
import mlflow.onnx
import mlflow.sklearn
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from skl2onnx import to_onnx
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "preprocessing"))
from preprocessing import FEATURE_NAMES, pre_processing  # noqa: E402

INPUTS = ["magpsf", "sigmapsf", "fwhm", "elong", "classtar", "ndethist", "drb", "rb"]
ONNX_INPUTS = ["magap", "magnr", "diffmaglim", "sgscore1", "distpsnr1", "chipsf", "scorr", "ncovhist"]
# Given, so log_model skips inferring requirements (a subprocess that loads the model).
SKLEARN_REQUIREMENTS = ["mlflow==3.17.2", "scikit-learn==1.9.1", "pandas==3.1.1", "numpy==2.4.6"]
ONNX_REQUIREMENTS = ["onnx==1.23.2", "onnxruntime==1.31.1"]


def label(rows):
    return ((rows["magpsf"] < 18.5) & (rows["drb"] > 0.5)).astype("int64").to_numpy()


def register(info, name):
    mlflow.MlflowClient().set_registered_model_alias(name, "champion", info.registered_model_version)
    return {"name": name, "version": str(info.registered_model_version)}


def main(alerts_path, out):
    with open(alerts_path) as f:
        alerts = [json.loads(line) for line in f]
    rows = pd.DataFrame([{k: a[k] for k in INPUTS + ONNX_INPUTS} for a in alerts], dtype="float64")
    y = label(rows)
    if y.min() == y.max():  # every alert alike: split on the median magnitude instead
        y = (rows["magpsf"] < rows["magpsf"].median()).astype("int64").to_numpy()
    models = {}

    mlflow.set_experiment("bench-broker")
    features = pd.DataFrame([pre_processing(a) for a in alerts], columns=FEATURE_NAMES, dtype="float64")
    forest = RandomForestClassifier(n_estimators=25, max_depth=6, random_state=0).fit(features, y)
    with mlflow.start_run():
        info = mlflow.sklearn.log_model(
            forest,
            name="model",
            registered_model_name="bench_pre",
            signature=infer_signature(features, forest.predict_proba(features)),
            pyfunc_predict_fn="predict_proba",
            pip_requirements=SKLEARN_REQUIREMENTS,
            skops_trusted_types=["sklearn.tree._tree.Tree"],
        )
        mlflow.log_artifacts(os.path.join(HERE, "preprocessing"), "preprocessing")
    models["pre"] = {**register(info, "bench_pre"), "features": FEATURE_NAMES}

    X = rows[INPUTS]
    logistic = LogisticRegression(max_iter=2000).fit(X, y)
    with mlflow.start_run():
        info = mlflow.sklearn.log_model(
            logistic,
            name="model",
            registered_model_name="bench_inputs",
            signature=infer_signature(X, logistic.predict_proba(X)),
            pyfunc_predict_fn="predict_proba",
            pip_requirements=SKLEARN_REQUIREMENTS,
        )
    models["inputs"] = {**register(info, "bench_inputs"), "features": INPUTS}

    Xo = rows[ONNX_INPUTS].to_numpy(dtype="float32")
    boosted = GradientBoostingClassifier(n_estimators=50, max_depth=3, random_state=0).fit(Xo, y)
    onx = to_onnx(boosted, Xo[:1], options={id(boosted): {"zipmap": False}}, target_opset=17)
    with mlflow.start_run():
        info = mlflow.onnx.log_model(onx, name="model", registered_model_name="bench_onnx", pip_requirements=ONNX_REQUIREMENTS)
    models["onnx"] = {**register(info, "bench_onnx"), "features": ONNX_INPUTS}

    with open(out, "w") as f:
        json.dump({"alerts": len(alerts), "positives": int(y.sum()), "models": models}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
