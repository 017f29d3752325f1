"""Trains the demo's `realbogus` science module: real detections against bogus ones (artefacts)
from the candidate's own fields, converted to ONNX with skl2onnx and logged with mlflow.onnx, so
the broker runs it in-process without a Python environment. Registered as realbogus@champion.

    python train_realbogus.py TRAINING_SET OUT_JSON
"""

import sys

import mlflow
import mlflow.onnx
import numpy as np
import onnxruntime
import sklearn
from skl2onnx import to_onnx
from sklearn.ensemble import RandomForestClassifier

from demo_training import REALBOGUS_FIELDS, load_training_set, realbogus_features, register_champion, say, split, start_run, write_result

NAME = "realbogus"


def main():
    training_set, out = sys.argv[1:3]
    alerts, classes = load_training_set(training_set)
    X = realbogus_features(alerts)
    y = (classes != "bogus").astype(int)
    train, test = split(len(alerts), seed=1)
    clf = RandomForestClassifier(n_estimators=60, max_depth=8, random_state=0, n_jobs=1)
    clf.fit(X[train], y[train])
    # Probabilities as a plain [rows, 2] tensor (no ZipMap): column 1 is "real".
    onx = to_onnx(clf, X[:1], options={id(clf): {"zipmap": False}}, target_opset=17)
    session = onnxruntime.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    labels, _ = session.run(None, {session.get_inputs()[0].name: X[test]})
    accuracy = float((np.asarray(labels) == y[test]).mean())
    say(f"{NAME}: scikit-learn {sklearn.__version__} -> ONNX, {len(train)} training alerts, held-out accuracy {accuracy:.3f} (scored by onnxruntime)")

    with start_run(NAME) as run:
        mlflow.log_params({"model": "RandomForestClassifier (ONNX)", "sklearn": sklearn.__version__, "features": ",".join(REALBOGUS_FIELDS)})
        mlflow.log_metric("accuracy", accuracy)
        info = mlflow.onnx.log_model(onx, name="model", registered_model_name=NAME)
    version = register_champion(NAME, info, accuracy)
    write_result(out, name=NAME, version=version, run_id=run.info.run_id, accuracy=accuracy, train=len(train), test=len(test), sklearn=sklearn.__version__)


if __name__ == "__main__":
    main()
