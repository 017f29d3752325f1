"""A preprocessing step in the Fink AI convention, served by aviary_worker.py.

A folder holding `preprocessing.py` (and no MLmodel) is a preprocessing step. The module defines

    FEATURE_NAMES = ["f1", "f2", ...]              # the model's input columns, in order
    def pre_processing(alert: dict) -> list[float]  # one alert in, len(FEATURE_NAMES) numbers out

and runs in an environment built from the folder's requirements.txt only: this file therefore
uses the standard library alone (no numpy, no MLflow).

A PREDICT frame holds one JSON column, "alert", of alert texts (JSON as Python reads it:
64-bit integers as exact digits, NaN as a token, bytes as {"__aviary_bytes__": base64}).
The RESULT holds one float64 column per feature name (NaN for an alert that failed) and a JSON
column "aviary.error": null for an alert that was scored, else {"type", "message", "traceback"}
for the exception pre_processing raised on it. One bad alert never fails the batch.

The host sends only the fields the step reads (aviary_fields.py). A batch's params then hold
"aviary.read": "learn" (whole alerts: note what the step reads of each) or a read spec (alerts
cut to it), and the RESULT has a JSON column "aviary.read": per alert, what it read (a spec,
or "whole") when learning; null, or "missed" when it read a field that was not sent (that
alert's features are NaN, and the host sends it again whole).

    <env python> aviary_preprocessing.py --describe DIR

loads the module once and prints {"feature_names": [...]} on stdout, so that the host knows the
columns before the first alert.
"""

import argparse
import base64
import contextlib
import importlib.util
import json
import math
import os
import sys
import time
import traceback
from array import array

from aviary_fields import FieldNotSent, learned, projected

MODULE_FILE = "preprocessing.py"
ALERT_COLUMN = "alert"
ERROR_COLUMN = "aviary.error"
READ_COLUMN = "aviary.read"
READ_PARAM = "aviary.read"
BYTES_KEY = "__aviary_bytes__"
TRACEBACK_LINES = 8


class Preprocessing:
    mlflow_version = "not used"
    flavor = "preprocessing"
    loader = None

    def __init__(self, folder):
        t0 = time.perf_counter()
        folder = os.path.abspath(folder)
        sys.path.insert(0, folder)  # helper modules beside preprocessing.py import as usual
        spec = importlib.util.spec_from_file_location("preprocessing", os.path.join(folder, MODULE_FILE))
        module = importlib.util.module_from_spec(spec)
        sys.modules["preprocessing"] = module
        spec.loader.exec_module(module)
        names = getattr(module, "FEATURE_NAMES", None)
        if not isinstance(names, (list, tuple)) or not names or not all(isinstance(n, str) for n in names):
            raise TypeError(f"{MODULE_FILE} must define FEATURE_NAMES, a non-empty list of column names")
        if len(set(names)) != len(names) or ERROR_COLUMN in names:
            raise ValueError(f"{MODULE_FILE}: FEATURE_NAMES must be distinct and must not use {ERROR_COLUMN!r}")
        function = getattr(module, "pre_processing", None)
        if not callable(function):
            raise TypeError(f"{MODULE_FILE} must define a function pre_processing(alert) -> list of floats")
        self.names = list(names)
        self.function = function
        self.load_ms = (time.perf_counter() - t0) * 1000

    def score(self, rows, columns, params=None, block=None):
        texts = next((value for name, dtype, value in columns if name == ALERT_COLUMN and dtype == "json"), None)
        if texts is None:
            raise ValueError(f'a preprocessing batch holds one JSON column "{ALERT_COLUMN}" of alert texts')
        mode = (params or {}).get(READ_PARAM)
        if mode is not None and mode != "learn" and not isinstance(mode, dict):
            raise ValueError(f'params "{READ_PARAM}" must be "learn" or a read spec, not {mode!r}')
        features = [array("d", bytes(8 * rows)) for _ in self.names]
        errors = [None] * rows
        reads = [None] * rows
        for row, text in enumerate(texts):
            try:
                alert = json.loads(text, object_hook=decode_bytes)
                if mode is None:
                    values = self.features(alert)
                elif mode == "learn":
                    outcome, spec = learned(self.features, alert, same_values)
                    reads[row] = "whole" if spec is None else spec
                    if outcome[0] == "raised":
                        raise outcome[1]
                    values = outcome[1]
                else:
                    values = self.features(projected(alert, mode))
            except FieldNotSent:
                reads[row] = "missed"
                values = [math.nan] * len(self.names)
            except Exception as exc:
                errors[row] = failure(exc)
                for column in features:
                    column[row] = math.nan
                continue
            for column, value in zip(features, values):
                column[row] = value
        if sys.byteorder != "little":
            for column in features:
                column.byteswap()
        out = [(name, "float64", column.tobytes()) for name, column in zip(self.names, features)]
        out.append((ERROR_COLUMN, "json", errors))
        if mode is not None:
            out.append((READ_COLUMN, "json", reads))
        return out

    def features(self, alert):
        values = self.function(alert)
        values = [math.nan if v is None else float(v) for v in values]
        if len(values) != len(self.names):
            raise ValueError(f"pre_processing returned {len(values)} values for {len(self.names)} FEATURE_NAMES")
        return values


def same_values(a, b):
    """Two feature vectors bit for bit alike (NaN equal to NaN)."""
    return len(a) == len(b) and all(x == y or (x != x and y != y) for x, y in zip(a, b))


def decode_bytes(obj):
    if len(obj) == 1 and BYTES_KEY in obj:
        return base64.b64decode(obj[BYTES_KEY])
    return obj


def failure(exc):
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    return {
        "type": type(exc).__name__,
        "message": str(exc),
        "traceback": "\n".join("".join(lines).splitlines()[-TRACEBACK_LINES:]),
    }


def describe(folder):
    with contextlib.redirect_stdout(sys.stderr):  # what the module prints must not mix with the answer
        step = Preprocessing(folder)
    print(json.dumps({"feature_names": step.names}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Describe a preprocessing step (the Fink AI convention).")
    parser.add_argument("--describe", required=True, metavar="DIR")
    describe(parser.parse_args().describe)
