"""Check results as bytes, for the cache and for worker processes to send: pickles in which
a dataclass is written as its class and its field values.

The standard library pickles a frozen dataclass with slots through a `__getstate__` and a
`__setstate__` written in Python that look its fields up again for every object; a checked
file holds some seventy such objects, and at 10,000 files writing them was most of what the
check's main process did. Here each class's fields are looked up once, and reading back
needs nothing of this module: `pickle.loads` calls the class with the values. So a dataclass
pickled here must come back the same from its constructor: every field in `__init__`, and a
`__post_init__` that gives the same value when it runs again (`Diagnostic`'s makes a message
printable, which it already is).
"""

from __future__ import annotations

import copyreg
import dataclasses
import io
import operator
import pickle
from collections.abc import Callable
from typing import Any

PROTOCOL = pickle.HIGHEST_PROTOCOL
Reducer = Callable[[Any], Any]


def dumps(value: Any, *, shared: bool = True) -> bytes:
    """`value` pickled, its dataclasses by their fields; `pickle.loads` reads it back.
    Without `shared`, a part met twice is written out twice (the pickler's memo is off), so
    that equal values give equal bytes however their parts are shared."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=PROTOCOL)
    pickler.dispatch_table = _REDUCERS
    pickler.fast = not shared
    pickler.dump(value)
    return out.getvalue()


class _Reducers(dict[type, Reducer]):
    """copyreg's reducers, and one for each class met, made when it is first met; a class
    itself (its type a metaclass) is left to the pickler, which writes it by name."""

    def __missing__(self, cls: type) -> Reducer:
        if issubclass(cls, type):
            raise KeyError(cls)
        reducer = self[cls] = _by_fields(cls) if _rebuilt_by_init(cls) else _as_usual
        return reducer


def _rebuilt_by_init(cls: type) -> bool:
    return dataclasses.is_dataclass(cls) and all(f.init for f in dataclasses.fields(cls))


def _by_fields(cls: type) -> Reducer:
    names = [f.name for f in dataclasses.fields(cls)]
    if len(names) == 1:
        name = names[0]
        return lambda obj: (cls, (getattr(obj, name),))
    values = operator.attrgetter(*names) if names else lambda _obj: ()
    return lambda obj: (cls, values(obj))


def _as_usual(obj: Any) -> Any:
    """What the pickler would do for a class that has no reducer of its own."""
    return obj.__reduce_ex__(PROTOCOL)


_REDUCERS = _Reducers(copyreg.dispatch_table)
