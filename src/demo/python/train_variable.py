"""Trains the demo's `variable` science module: periodic variable stars against everything else,
from alert fields plus the score of the realbogus module (the broker config gives it
`reads: [realbogus]`, so rb_score is in the alert by the time it runs). rb_score here is what
realbogus@champion answers for the training alerts, so it is trained on what it is served.

    python train_variable.py TRAINING_SET OUT_JSON
"""

import os
import sys

import mlflow
import numpy as np
import onnxruntime
import pandas as pd
import sklearn
from mlflow.models import infer_signature
from sklearn.ensemble import RandomForestClassifier

from demo_training import field_matrix, load_training_set, realbogus_features, register_champion, say, split, start_run, write_result

NAME = "variable"
# Alert fields that tell a known, long-lived point source: history length, reference-image
# counterpart and its distance, the PS1 star/galaxy score. The broker config lists the same.
ALERT_FIELDS = ["magpsf", "sigmapsf", "ndethist", "ncovhist", "jd", "jdstarthist", "magnr", "sigmagnr", "distnr", "sgscore1", "distpsnr1"]
FEATURES = ALERT_FIELDS + ["rb_score"]


def rb_scores(alerts):
    """realbogus@champion's P(real) for each alert, from the registered ONNX file."""
    folder = mlflow.artifacts.download_artifacts("models:/realbogus@champion")
    session = onnxruntime.InferenceSession(os.path.join(folder, "model.onnx"), providers=["CPUExecutionProvider"])
    _, probabilities = session.run(None, {session.get_inputs()[0].name: realbogus_features(alerts)})
    return np.asarray(probabilities)[:, 1].astype("float64")


def main():
    training_set, out = sys.argv[1:3]
    alerts, classes = load_training_set(training_set)
    X = pd.DataFrame(field_matrix(alerts, ALERT_FIELDS), columns=ALERT_FIELDS)
    X["rb_score"] = rb_scores(alerts)
    y = (classes == "variable").astype(int)
    train, test = split(len(alerts), seed=2)
    clf = RandomForestClassifier(n_estimators=100, max_depth=10, class_weight="balanced", random_state=0, n_jobs=1)
    clf.fit(X.iloc[train], y[train])
    accuracy = float((clf.predict(X.iloc[test]) == y[test]).mean())
    say(f"{NAME}: scikit-learn {sklearn.__version__}, {len(train)} training alerts, held-out accuracy {accuracy:.3f}")

    with start_run(NAME) as run:
        mlflow.log_params({"model": "RandomForestClassifier", "sklearn": sklearn.__version__, "features": ",".join(FEATURES)})
        mlflow.log_metric("accuracy", accuracy)
        info = mlflow.sklearn.log_model(
            clf,
            name="model",
            registered_model_name=NAME,
            signature=infer_signature(X.iloc[:5], clf.predict_proba(X.iloc[:5])),
            pyfunc_predict_fn="predict_proba",
            skops_trusted_types=["sklearn.tree._tree.Tree"],
        )
    version = register_champion(NAME, info, accuracy)
    write_result(out, name=NAME, version=version, run_id=run.info.run_id, accuracy=accuracy, train=len(train), test=len(test), sklearn=sklearn.__version__)


if __name__ == "__main__":
    main()
