"""What the demo's three training scripts share: the training set, its split, and registering a
model as NAME@champion with the real mlflow client (MLFLOW_TRACKING_URI names Aviary's server).

The training set is JSON lines written by `aviary demo`, one labelled alert a line:
    {"class": "snia" | "variable" | "agn" | "bogus", "alert": {Fink's flat dict of the alert}}
"""

import json
import sys

import mlflow
import numpy as np

EXPERIMENT = "aviary-demo"
TEST_FRACTION = 0.25

# Candidate fields a real/bogus classifier looks at: the shape and quality of the detection.
REALBOGUS_FIELDS = ["fwhm", "elong", "magdiff", "chipsf", "sgscore1", "distpsnr1", "nbad", "drb"]
# ZTF's convention for a missing catalogue value (sgscore1, distpsnr1 of a field without PS1).
MISSING = -999.0


def say(message):
    print(message, file=sys.stderr, flush=True)


def load_training_set(path):
    """(alerts, classes): the flat dicts and their labels, in file order."""
    alerts, classes = [], []
    with open(path) as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                alerts.append(row["alert"])
                classes.append(row["class"])
    return alerts, np.array(classes)


def split(count, seed=0):
    """Indices of the training and the held-out rows (a fixed shuffle: reruns train the same model)."""
    order = np.random.default_rng(seed).permutation(count)
    cut = int(round(count * (1 - TEST_FRACTION)))
    return order[:cut], order[cut:]


def field_matrix(alerts, fields, missing=np.nan):
    """float64 [alerts, fields] of flat-dict fields; None (a null in the alert) becomes `missing`."""
    return np.array([[missing if a.get(f) is None else float(a[f]) for f in fields] for a in alerts], dtype="float64")


def realbogus_features(alerts):
    """What the realbogus ONNX model takes, in REALBOGUS_FIELDS order, as float32."""
    return field_matrix(alerts, REALBOGUS_FIELDS, MISSING).astype("float32")


def start_run(name):
    mlflow.set_experiment(EXPERIMENT)
    return mlflow.start_run(run_name=f"train-{name}")


def register_champion(name, model_info, accuracy):
    """Sets NAME@champion to the version just registered; returns that version."""
    version = str(model_info.registered_model_version)
    client = mlflow.MlflowClient()
    client.set_registered_model_alias(name, "champion", version)
    client.update_model_version(name, version, description=f"aviary demo: held-out accuracy {accuracy:.3f}")
    return version


def write_result(path, **fields):
    with open(path, "w") as f:
        json.dump(fields, f)
