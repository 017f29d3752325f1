"""The fields of an alert that a preprocessing step reads, learned by watching it, so that the
host sends only those (aviary_preprocessing.py; the host's side is
src/runtime/preprocessing/field-reads.ts). Standard library only.

A *read spec* says what of a mapping was read: a dict of key -> spec for the value (a nested
mapping, or each mapping of a list, is itself projected to its spec; a number, string or list
of numbers is sent as it is whatever its spec), or None: the whole value is needed (the step
iterated it, measured it, copied it, printed it...).

Learning: `record(alert)` wraps the whole alert so that every key the step reads is noted;
`Reading.spec()` then tells what it read. A step that reaches the alert through C code that
bypasses mapping methods could read more than is noted: `learned(...)` therefore runs the step
again on the alert cut to what was noted, and trusts the spec only if the answer is identical.

Serving: `projected(alert, spec)` wraps an alert that holds only the spec's fields. Reading a
field outside the spec raises FieldNotSent, a BaseException (so that `except Exception` and
`except KeyError` in the step do not swallow it): the host then sends that alert whole.
"""

_ABSENT = object()


class FieldNotSent(BaseException):
    """The step read a field the host did not send: the alert must be sent whole."""


class Reading:
    """What was read of one mapping (or of every mapping of one list)."""

    __slots__ = ("keys", "whole")

    def __init__(self):
        self.keys = {}
        self.whole = False

    def child(self, key):
        node = self.keys.get(key)
        if node is None:
            node = self.keys[key] = Reading()
        return node

    def spec(self):
        if self.whole:
            return None
        return {key: node.spec() for key, node in self.keys.items()}


def _whole(name):
    def method(self, *args, **kwargs):
        self._reading.whole = True
        return getattr(dict, name)(self, *args, **kwargs)

    method.__name__ = name
    return method


class RecordingDict(dict):
    """The alert (or a nested mapping) with every read noted in a Reading."""

    __slots__ = ("_reading", "_wrapped")

    def __init__(self, data, reading):
        dict.__init__(self, data)
        self._reading = reading
        self._wrapped = {}

    def _value(self, key, value):
        wrapped = self._wrapped.get(key, _ABSENT)
        if wrapped is not _ABSENT:
            return wrapped
        node = self._reading.child(key)
        if type(value) is dict:
            wrapped = RecordingDict(value, node)
        elif type(value) is list and any(type(v) is dict for v in value):
            wrapped = [RecordingDict(v, node) if type(v) is dict else v for v in value]
        else:
            return value
        self._wrapped[key] = wrapped
        dict.__setitem__(self, key, wrapped)  # later reads through C code see the same objects
        return wrapped

    def __getitem__(self, key):
        self._reading.child(key)
        return self._value(key, dict.__getitem__(self, key))

    def get(self, key, default=None):
        self._reading.child(key)
        value = dict.get(self, key, _ABSENT)
        return default if value is _ABSENT else self._value(key, value)

    def __contains__(self, key):
        self._reading.child(key)
        return dict.__contains__(self, key)

    def pop(self, key, *default):
        self._reading.child(key)
        return dict.pop(self, key, *default)

    def setdefault(self, key, default=None):
        self._reading.child(key)
        return self._value(key, dict.setdefault(self, key, default))

    def __setitem__(self, key, value):
        self._wrapped.pop(key, None)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key):
        self._reading.child(key)
        self._wrapped.pop(key, None)
        dict.__delitem__(self, key)

    for _name in ("keys", "items", "values", "__iter__", "__len__", "__reversed__", "copy", "__eq__", "__ne__", "__repr__", "__str__", "__or__", "__ror__", "__reduce__", "__reduce_ex__", "__sizeof__", "popitem", "clear", "update"):
        locals()[_name] = _whole(_name)
    del _name
    __hash__ = None


def record(alert):
    """The alert wrapped for learning, and the Reading its reads fill."""
    reading = Reading()
    return RecordingDict(alert, reading), reading


def project(value, spec):
    """The value cut to the spec, as the host cuts it (field-reads.ts projectFields)."""
    if spec is None:
        return value
    if type(value) is dict:
        return {key: project(value[key], sub) for key, sub in spec.items() if key in value}
    if type(value) is list:
        return [project(v, spec) if type(v) is dict else v for v in value]
    return value


class ProjectedDict(dict):
    """An alert (or a nested mapping) holding only its spec's fields: reading any other raises FieldNotSent."""

    __slots__ = ("_spec",)

    def __init__(self, data, spec):
        dict.__init__(self, data)
        self._spec = spec

    def __missing__(self, key):
        if key in self._spec:
            raise KeyError(key)
        raise FieldNotSent(key)

    def get(self, key, default=None):
        value = dict.get(self, key, _ABSENT)
        if value is not _ABSENT:
            return value
        if key in self._spec:
            return default
        raise FieldNotSent(key)

    def __contains__(self, key):
        if dict.__contains__(self, key):
            return True
        if key in self._spec:
            return False
        raise FieldNotSent(key)

    def pop(self, key, *default):
        if key not in self._spec:
            raise FieldNotSent(key)
        return dict.pop(self, key, *default)

    def setdefault(self, key, default=None):
        if key not in self._spec:
            raise FieldNotSent(key)
        return dict.setdefault(self, key, default)

    def __delitem__(self, key):
        if key not in self._spec:
            raise FieldNotSent(key)
        dict.__delitem__(self, key)

    def _everything(self, *args, **kwargs):
        raise FieldNotSent("the whole mapping")

    for _name in ("keys", "items", "values", "__iter__", "__len__", "__reversed__", "copy", "__eq__", "__ne__", "__repr__", "__str__", "__or__", "__ror__", "__reduce__", "__reduce_ex__", "__sizeof__", "popitem", "clear", "update"):
        locals()[_name] = _everything
    del _name
    __hash__ = None


def projected(alert, spec):
    """An alert the host cut to `spec` (a dict), wrapped so that reading outside it is noticed."""
    for key, sub in spec.items():
        if sub is None or key not in alert:
            continue
        value = alert[key]
        if type(value) is dict:
            alert[key] = projected(value, sub)
        elif type(value) is list:
            alert[key] = [projected(v, sub) if type(v) is dict else v for v in value]
    return ProjectedDict(alert, spec)


def learned(function, alert, same):
    """Runs `function` on the whole alert, noting what it reads: (outcome, spec), where outcome is
    ("value", result) or ("raised", exception), and spec is what it read, or None when the whole
    alert is needed (it was read whole, or the step gives another answer on the alert cut to
    what was noted; `same(a, b)` compares two results)."""
    full = dict(alert)  # the step may change the alert: the second run gets it as it came
    wrapped, reading = record(alert)
    try:
        outcome = ("value", function(wrapped))
    except Exception as exc:
        outcome = ("raised", exc)
    spec = reading.spec()
    if spec is None:
        return outcome, None
    try:
        again = ("value", function(projected(project(full, spec), spec)))
    except FieldNotSent:
        return outcome, None
    except Exception as exc:
        again = ("raised", exc)
    if outcome[0] != again[0]:
        return outcome, None
    if outcome[0] == "raised":
        agree = type(outcome[1]) is type(again[1]) and str(outcome[1]) == str(again[1])
    else:
        agree = same(outcome[1], again[1])
    return outcome, (spec if agree else None)
