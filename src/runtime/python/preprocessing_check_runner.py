"""Runs a Fink AI preprocessing on alerts, for `aviary models check` (standard library only).

    <env python> -u preprocessing_check_runner.py PREPROCESSING_DIR

Imports PREPROCESSING_DIR/preprocessing.py (which defines FEATURE_NAMES and
pre_processing(alert: dict) -> list[float]) and writes one JSON line:
    {"feature_names": [...]}              or   {"fatal": "why it cannot run"} (then exits 1)
Then, for each line read from stdin (one alert, a JSON object: the flat Fink dict), writes one line:
    {"features": [...], "ms": 0.12}       or   {"error": "KeyError: 'magpsf'", "where": "...", "ms": 0.03}
Each returned value is a float if it is a real number (float, int, bool, numpy scalars), else
{"not_a_number": "<type> <repr>"}; a numpy array is taken as its list, any other return value
that is not a list or tuple is reported as {"returned": "<type> <repr>"}. NaN and infinities
travel as Python's json writes them. `ms` is the time spent in pre_processing() alone.
The runner exits 0 when stdin closes.

Whatever the preprocessing prints goes to stderr: stdout carries the protocol only.
"""

import importlib.util
import json
import numbers
import os
import sys
import time
import traceback


def protocol_stream():
    """The real stdout for the protocol; fd 1 and sys.stdout then point at stderr."""
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


def send(out, message):
    out.write(json.dumps(message) + "\n")
    out.flush()


def short_repr(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def as_feature(value):
    if isinstance(value, numbers.Real):
        try:
            return float(value)
        except (TypeError, ValueError, OverflowError):
            pass
    return {"not_a_number": f"{type(value).__name__} {short_repr(value)}"}


def where_raised(exc):
    """The last frame inside the preprocessing folder: file:line in function."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if f.filename != __file__] or frames
    frame = mine[-1]
    return f"{os.path.basename(frame.filename)}:{frame.lineno} in {frame.name}"


def load(directory):
    path = os.path.join(directory, "preprocessing.py")
    if not os.path.isfile(path):
        raise RuntimeError(f"{path} does not exist")
    sys.path.insert(0, directory)
    spec = importlib.util.spec_from_file_location("preprocessing", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["preprocessing"] = module
    spec.loader.exec_module(module)
    names = getattr(module, "FEATURE_NAMES", None)
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise RuntimeError("preprocessing.py must define FEATURE_NAMES, a list of strings")
    function = getattr(module, "pre_processing", None)
    if not callable(function):
        raise RuntimeError("preprocessing.py must define a function pre_processing(alert)")
    return list(names), function


def main():
    out = protocol_stream()
    if len(sys.argv) != 2:
        send(out, {"fatal": "usage: preprocessing_check_runner.py PREPROCESSING_DIR"})
        return 1
    try:
        names, function = load(sys.argv[1])
    except BaseException as exc:  # noqa: BLE001 - an import may raise anything, even SystemExit
        send(out, {"fatal": f"cannot import preprocessing.py: {type(exc).__name__}: {exc}", "traceback": traceback.format_exc(limit=8)})
        return 1
    send(out, {"feature_names": names})
    for line in sys.stdin:
        if not line.strip():
            continue
        alert = json.loads(line)
        start = time.perf_counter()
        try:
            result = function(alert)
            ms = (time.perf_counter() - start) * 1000
        except Exception as exc:  # noqa: BLE001 - the check reports whatever the preprocessing raises
            ms = (time.perf_counter() - start) * 1000
            send(out, {"error": f"{type(exc).__name__}: {exc}", "where": where_raised(exc), "ms": ms})
            continue
        if isinstance(result, (list, tuple)):
            send(out, {"features": [as_feature(v) for v in result], "ms": ms})
        else:
            try:
                values = result.tolist()  # a numpy array
                send(out, {"features": [as_feature(v) for v in values], "ms": ms})
            except Exception:  # noqa: BLE001
                send(out, {"returned": f"{type(result).__name__} {short_repr(result)}", "ms": ms})
    return 0


if __name__ == "__main__":
    sys.exit(main())
