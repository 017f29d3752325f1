"""Aviary's model worker: loads one MLflow model and serves predictions over stdin/stdout.

    <env python> -u aviary_worker.py --model-dir DIR [--memory-limit-mb N]
    <env python> -u aviary_worker.py --spare [--memory-limit-mb N]

A spare imports MLflow before any model is known, then waits for a LOAD frame naming the model's
folder: a new version in an environment already in use starts without the interpreter's start
and `import mlflow`, the larger part of a worker's start.

Standard library only: numpy and pandas come with the model's environment (MLflow needs them)
and are imported lazily, to build the model's input and read its output.

Protocol (all integers little-endian; the TypeScript side is src/runtime/worker/frame-codec.ts
and batch-codec.ts). A frame is a 12-byte header, then `length` bytes of payload:

    magic  b"Av" | version u8 = 1 | type u8 | request id u32 | length u32

Types: READY (worker, once, JSON: load_ms, python, mlflow, flavor, ...), PING -> PONG (empty),
LOAD (host, to a spare only: the model folder, UTF-8) -> READY or ERROR, PRELOAD (host, to a
spare only, before LOAD: a JSON list of the environment's modules a model before it imported;
imported now, each failure ignored, no answer),
PREDICT (host, a batch) -> RESULT (a batch) or ERROR (JSON: type, message, traceback, oom).
An ERROR with id 0 before READY means the model could not be loaded; the worker then exits 1.
A batch payload is: u32 n, n bytes of JSON {"rows", "columns": [{"name", "dtype", "bytes"?}],
"params"?}, then one section per column, each starting at an 8-byte aligned offset of the payload:
dtype "float64" is rows raw float64 values; dtype "json" is `bytes` bytes of a UTF-8 JSON array.
"params", when present, goes to the model's predict(data, params=...), as MLflow's serving does.

A folder holding preprocessing.py and no MLmodel is a preprocessing step (the Fink AI
convention), served by aviary_preprocessing.py beside this file: the same frames, alerts in and
features out, in an environment built from the step's own requirements only.

The worker exits 0 when its stdin closes. Whatever the model writes to stdout goes to stderr:
the protocol has file descriptors of its own.
"""

import argparse
import gc
import json
import os
import platform
import resource
import signal
import struct
import sys
import time
import traceback

# The script's first line (a spare: its LOAD frame): what came before is the interpreter's start.
STARTED = time.perf_counter()

MAGIC = b"Av"
VERSION = 1
READY, PING, PONG, PREDICT, RESULT, ERROR, LOAD, PRELOAD = 1, 2, 3, 4, 5, 6, 7, 8
HEADER = struct.Struct("<2sBBII")
MAX_PAYLOAD = 1 << 30
TRACEBACK_LINES = 20


def log(message):
    sys.stderr.write(f"aviary-worker: {message}\n")
    sys.stderr.flush()


class Channel:
    """The protocol's own pipes, moved off fds 0 and 1 so that the model cannot touch them."""

    def __init__(self):
        self.reader = os.fdopen(os.dup(0), "rb")
        self.writer = os.fdopen(os.dup(1), "wb")
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.dup2(2, 1)  # C-level and Python prints now land on stderr

    def read(self):
        """The next (type, request id, payload), or None at end of input."""
        header = self.reader.read(HEADER.size)
        if not header:
            return None
        if len(header) < HEADER.size:
            raise EOFError("input ended inside a frame header")
        magic, version, ftype, rid, length = HEADER.unpack(header)
        if magic != MAGIC or version != VERSION:
            raise ValueError(f"bad frame header {header!r}: expected magic {MAGIC!r} version {VERSION}")
        if length > MAX_PAYLOAD:
            raise ValueError(f"frame payload of {length} bytes is over the limit")
        payload = self.reader.read(length) if length else b""
        if len(payload) < length:
            raise EOFError("input ended inside a frame payload")
        return ftype, rid, payload

    def send(self, ftype, rid, payload=b""):
        self.writer.write(HEADER.pack(MAGIC, VERSION, ftype, rid, len(payload)))
        self.writer.write(payload)
        self.writer.flush()

    def send_json(self, ftype, rid, value):
        self.send(ftype, rid, json.dumps(value).encode())


def pad8(n):
    return (n + 7) & ~7


def decode_batch(payload):
    """The batch as (rows, [(name, dtype, memoryview or list)], params or None, block): block is
    one memoryview over every column when all are float64 (their sections are then adjacent,
    rows * 8 bytes each), else None."""
    (n,) = struct.unpack_from("<I", payload, 0)
    header = json.loads(payload[4 : 4 + n])
    rows = header["rows"]
    view = memoryview(payload)
    offset = pad8(4 + n)
    columns = []
    for col in header["columns"]:
        size = rows * 8 if col["dtype"] == "float64" else col["bytes"]
        if offset + size > len(payload):
            raise ValueError(f"column {col['name']!r} runs past the end of the batch")
        chunk = view[offset : offset + size]
        value = chunk if col["dtype"] == "float64" else json.loads(bytes(chunk))
        columns.append((col["name"], col["dtype"], value))
        offset = pad8(offset + size)
    block = None
    if columns and all(dtype == "float64" for _, dtype, _ in columns):
        start = pad8(4 + n)
        block = view[start : start + rows * 8 * len(columns)]
    return rows, columns, header.get("params") or None, block


def encode_batch(rows, columns, extra=None):
    """columns: [(name, "float64", bytes) or (name, "json", list)]."""
    specs, sections = [], []
    for name, dtype, value in columns:
        if dtype == "float64":
            specs.append({"name": name, "dtype": dtype})
            sections.append(value)
        else:
            try:
                data = json.dumps(value, default=str, allow_nan=False).encode()
            except ValueError:  # NaN or infinity nested in a value
                data = json.dumps(deep_clean(value), default=str).encode()
            specs.append({"name": name, "dtype": dtype, "bytes": len(data)})
            sections.append(data)
    header = json.dumps({"rows": rows, "columns": specs, **(extra or {})}).encode()
    parts = [struct.pack("<I", len(header)), header]
    size = 4 + len(header)
    for section in sections:
        parts.append(b"\0" * (pad8(size) - size))
        size = pad8(size)
        parts.append(section)
        size += len(section)
    return b"".join(parts)


def deep_clean(value):
    if isinstance(value, list):
        return [deep_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: deep_clean(v) for k, v in value.items()}
    return clean(value)


class Model:
    def __init__(self, model_dir):
        t0 = time.perf_counter()
        import mlflow
        import mlflow.pyfunc

        t1 = time.perf_counter()
        self.import_ms = (t1 - t0) * 1000
        self.model = mlflow.pyfunc.load_model(model_dir)
        self.load_ms = (time.perf_counter() - t1) * 1000
        self.mlflow_version = mlflow.__version__
        flavors = self.model.metadata.flavors
        self.loader = flavors.get("python_function", {}).get("loader_module")
        self.flavor = next((f for f in flavors if f != "python_function"), "python_function")
        self.tensor_dtype, self.casts = input_conversions(self.model.metadata.get_input_schema())
        self.column_indexes = {}

    def column_index(self, names):
        """The frame's column Index, built once per column list (a batch stream repeats one)."""
        index = self.column_indexes.get(names)
        if index is None:
            import pandas as pd

            if len(self.column_indexes) >= 64:
                self.column_indexes.clear()
            index = self.column_indexes[names] = pd.Index(names)
        return index

    def score(self, rows, columns, params=None, block=None):
        """The answer to a PREDICT frame, as batch columns."""
        return output_columns(self.predict(rows, columns, params, block), rows)

    def predict(self, rows, columns, params=None, block=None):
        import numpy as np
        import pandas as pd

        if block is not None:
            # All float64: one array over the sections, one pandas block, no copy (~0.5 ms less per call than column by column).
            names = tuple(name for name, _, _ in columns)
            values = np.frombuffer(block, dtype="<f8", count=rows * len(names)).reshape(len(names), rows).T
            frame = pd.DataFrame(values, columns=self.column_index(names), index=pd.RangeIndex(rows), copy=False)
        else:
            data = {}
            for name, dtype, value in columns:
                if dtype == "float64":
                    data[name] = np.frombuffer(value, dtype="<f8", count=rows)
                elif is_numbers(value):  # a JSON column of numbers and nulls
                    data[name] = pd.Series([np.nan if v is None else v for v in value], dtype="float64")
                else:
                    data[name] = pd.Series(value, dtype=object)
            frame = pd.DataFrame(data, index=pd.RangeIndex(rows))
        if self.tensor_dtype is not None:
            return self.model.predict(frame.to_numpy(dtype=self.tensor_dtype), **with_params(params))
        for name, target in self.casts.items():
            column = frame.get(name)
            if column is None or column.dtype != np.float64:
                continue
            values = column.to_numpy()
            if target == "float32" or (np.isfinite(values).all() and (values == np.round(values)).all()):
                frame[name] = values.astype(target)
        return self.model.predict(frame, **with_params(params))


def with_params(params):
    return {"params": params} if params else {}


def input_conversions(schema):
    """Numbers travel as float64. From the model's signature: the dtype of its one unnamed
    tensor input (the model gets a plain array), or the columns to cast to integer, float32 or
    boolean."""
    if schema is None:
        return None, {}
    if schema.is_tensor_spec():
        if not schema.has_input_names() and len(schema.inputs) == 1:
            return schema.numpy_types()[0], {}
        return None, {}
    targets = {"long": "int64", "integer": "int32", "float": "float32", "boolean": "bool"}
    casts = {}
    for spec in schema.inputs:
        target = targets.get(getattr(spec.type, "name", ""))
        if target is not None and spec.name is not None:
            casts[spec.name] = target
    return None, casts


def is_numbers(values):
    kinds = {type(v) for v in values}
    return bool(kinds & {int, float}) and kinds <= {int, float, type(None)}


def output_columns(result, rows):
    """The model's answer as batch columns; a 2-D output becomes columns name_0, name_1, ..."""
    import numpy as np
    import pandas as pd

    if isinstance(result, pd.DataFrame):
        items = [(str(c), result[c].to_numpy()) for c in result.columns]
    elif isinstance(result, pd.Series):
        items = [(str(result.name) if result.name is not None else "prediction", result.to_numpy())]
    elif isinstance(result, dict):
        items = [(str(k), np.asarray(v)) for k, v in result.items()]
    else:
        items = [("prediction", np.asarray(result))]
    columns = []
    for name, values in items:
        if values.ndim == 2 and values.dtype != object:
            width = values.shape[1]
            parts = [(name if width == 1 else f"{name}_{i}", values[:, i]) for i in range(width)]
        else:
            parts = [(name, values)]
        for part_name, part in parts:
            if part.ndim == 0:
                raise ValueError(f"output {part_name!r} is a scalar, not one value per row")
            if len(part) != rows:
                raise ValueError(f"output {part_name!r} has {len(part)} values for {rows} rows")
            if part.dtype.kind in "fiu":
                columns.append((part_name, "float64", part.astype("<f8").tobytes()))
            elif part.dtype.kind == "M":
                columns.append((part_name, "json", [None if v == "NaT" else v for v in np.datetime_as_string(part).tolist()]))
            else:
                columns.append((part_name, "json", [clean(v) for v in part.tolist()]))
    return columns


def clean(value):
    """JSON has no NaN or infinity, nor pandas' NA and NaT: they travel as null."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "tolist"):  # a numpy array or scalar inside an object column
        return value.tolist()
    return value


def error_payload(exc):
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    tail = "".join(lines).splitlines()[-TRACEBACK_LINES:]
    return {
        "type": type(exc).__name__,
        "message": str(exc),
        "traceback": "\n".join(tail),
        "oom": isinstance(exc, MemoryError),
    }


def serve(channel, model):
    while True:
        frame = channel.read()
        if frame is None:
            return
        ftype, rid, payload = frame
        if ftype == PING:
            channel.send(PONG, rid)
        elif ftype == PREDICT:
            try:
                t0 = time.perf_counter()
                rows, columns, params, block = decode_batch(payload)
                answer_columns = model.score(rows, columns, params, block)
                extra = {"predict_ms": (time.perf_counter() - t0) * 1000}
                answer = encode_batch(rows, answer_columns, extra)
            except Exception as exc:
                answer = None
                channel.send_json(ERROR, rid, error_payload(exc))
                gc.collect()
            if answer is not None:
                channel.send(RESULT, rid, answer)
        else:
            channel.send_json(ERROR, rid, {"type": "ProtocolError", "message": f"unknown frame type {ftype}"})


def die_with_parent():
    """On Linux, end with the host even when it is killed before it can close our stdin."""
    parent = os.getppid()
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        return
    # The host died before prctl: we were reparented, to init or a subreaper. In the sandbox's pid
    # namespace the parent is bwrap's init, pid 1 by design, and we are pid 2 (bwrap dies with the host).
    if os.getppid() != parent or (parent == 1 and os.getpid() != 2):
        sys.exit(1)


def load(model_dir):
    """The MLflow model in the folder, or the preprocessing step it holds."""
    if not os.path.isfile(os.path.join(model_dir, "MLmodel")) and os.path.isfile(os.path.join(model_dir, "preprocessing.py")):
        from aviary_preprocessing import Preprocessing

        return Preprocessing(model_dir)
    return Model(model_dir)


def uncompiled_sources():
    """The environment's sources imported without bytecode: a sandboxed worker cannot write it
    (its environment is read-only), so the host compiles them for the next start."""
    from importlib.util import cache_from_source

    found = []
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not path or not path.endswith(".py") or not path.startswith(sys.prefix + os.sep):
            continue
        try:
            if not os.path.exists(cache_from_source(path)):
                found.append(path)
        except (NotImplementedError, ValueError):
            continue
    return found


def wait_for_model(channel):
    """A spare's model folder, from the LOAD frame (pings answered meanwhile); None at end of input."""
    global STARTED
    while True:
        frame = channel.read()
        if frame is None:
            return None
        ftype, rid, payload = frame
        if ftype == LOAD:
            STARTED = time.perf_counter()
            return payload.decode()
        if ftype == PING:
            channel.send(PONG, rid)
        elif ftype == PRELOAD:
            preload(json.loads(payload))
        else:
            channel.send_json(ERROR, rid, {"type": "ProtocolError", "message": f"a spare takes LOAD first, not frame type {ftype}"})


def preload(names):
    """The modules a model of this environment imported before (the flavor's library: scikit-learn,
    scipy...), imported ahead of the next model; only the environment's own packages are named."""
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except BaseException:  # noqa: BLE001  (a module that cannot be imported ahead is imported by the model, or not)
            continue


def environment_modules():
    """The names of the modules imported from the environment's packages, in import order."""
    names = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if path and path.startswith(sys.prefix + os.sep) and not name.startswith("__"):
            names.append(name)
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir")
    parser.add_argument("--spare", action="store_true")
    parser.add_argument("--memory-limit-mb", type=int)
    args = parser.parse_args()
    if not args.spare and not args.model_dir:
        parser.error("--model-dir is required (or --spare)")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the host stops workers itself, in order
    die_with_parent()
    channel = Channel()
    if args.memory_limit_mb:
        limit = args.memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if args.spare:
        try:
            import mlflow.pyfunc  # noqa: F401  (what Model imports, ahead of the model)
        except BaseException as exc:
            channel.send_json(ERROR, 0, error_payload(exc))
            return 1
        args.model_dir = wait_for_model(channel)
        if args.model_dir is None:
            return 0
        os.chdir(args.model_dir)
    try:
        model = load(args.model_dir)
    except BaseException as exc:
        channel.send_json(ERROR, 0, error_payload(exc))
        return 1
    log(f"loaded {args.model_dir} ({model.flavor}) in {model.load_ms:.0f} ms")
    channel.send_json(
        READY,
        0,
        {
            "pid": os.getpid(),
            "load_ms": model.load_ms,
            "import_ms": getattr(model, "import_ms", 0.0),
            "main_ms": (time.perf_counter() - STARTED) * 1000,
            "python": platform.python_version(),
            "mlflow": model.mlflow_version,
            "flavor": model.flavor,
            "loader_module": model.loader,
            "memory_limit_mb": args.memory_limit_mb,
            "uncompiled": uncompiled_sources(),
            "modules": environment_modules(),
        },
    )
    try:
        serve(channel, model)
    except BrokenPipeError:
        return 0  # the host is gone
    except (ValueError, EOFError) as exc:
        log(f"protocol error, stopping: {exc}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
