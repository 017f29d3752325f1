"""Trains the demo's `snia` science module: SN Ia against everything else, on the features of its
Fink-style preprocessing step, and registers it as snia@champion with the preprocessing folder
logged as the run's `preprocessing/` artifact (Fink AI convention: the broker runs that step in
its own environment before the model).

    python train_snia.py TRAINING_SET PREPROCESSING_DIR OUT_JSON
"""

import importlib.util
import os
import sys

import mlflow
import numpy as np
import pandas as pd
import sklearn
from mlflow.models import infer_signature
from sklearn.ensemble import RandomForestClassifier

from demo_training import load_training_set, register_champion, say, split, start_run, write_result

NAME = "snia"


def load_preprocessing(folder):
    sys.dont_write_bytecode = True  # the folder is logged as it is: no __pycache__ in it
    spec = importlib.util.spec_from_file_location("preprocessing", os.path.join(folder, "preprocessing.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    training_set, preprocessing_dir, out = sys.argv[1:4]
    pre = load_preprocessing(preprocessing_dir)
    alerts, classes = load_training_set(training_set)
    X = pd.DataFrame([pre.pre_processing(a) for a in alerts], columns=pre.FEATURE_NAMES, dtype="float64")
    y = (classes == "snia").astype(int)
    train, test = split(len(alerts))
    clf = RandomForestClassifier(n_estimators=100, max_depth=10, class_weight="balanced", random_state=0, n_jobs=1)
    clf.fit(X.iloc[train], y[train])
    accuracy = float((clf.predict(X.iloc[test]) == y[test]).mean())
    say(f"{NAME}: scikit-learn {sklearn.__version__}, {len(train)} training alerts, held-out accuracy {accuracy:.3f}")

    with start_run(NAME) as run:
        mlflow.log_params({"model": "RandomForestClassifier", "sklearn": sklearn.__version__, "features": ",".join(pre.FEATURE_NAMES)})
        mlflow.log_metric("accuracy", accuracy)
        info = mlflow.sklearn.log_model(
            clf,
            name="model",
            registered_model_name=NAME,
            signature=infer_signature(X.iloc[:5], clf.predict_proba(X.iloc[:5])),
            pyfunc_predict_fn="predict_proba",
            # MLflow 3 saves scikit-learn models with skops, which trusts tree nodes only when told.
            skops_trusted_types=["sklearn.tree._tree.Tree"],
        )
        mlflow.log_artifacts(preprocessing_dir, "preprocessing")
    version = register_champion(NAME, info, accuracy)
    write_result(out, name=NAME, version=version, run_id=run.info.run_id, accuracy=accuracy, train=len(train), test=len(test), sklearn=sklearn.__version__)


if __name__ == "__main__":
    main()
