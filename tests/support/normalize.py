"""Reference normalization of event content: what a consumer must decode, per format.

Written from docs/ENVELOPE.md, independently of the native walker, so that tests can
compare the walker against it. Targets:

- "msgpack": what msgpack.unpackb(data, raw=False, strict_map_key=False) gives;
- "json": what json.loads(data) gives;
- "json-decode": what event_bridge.decode() gives for a JSON message (integers beyond
  64 bits come back as their decimal digits, as documented in src/encode/decoder.cpp).

same(expected, actual) compares strictly: types must match (1 != 1.0 != True), NaN
equals NaN, 0.0 differs from -0.0, and AnyOrder lists match in any order.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import enum
import math
import uuid
from typing import Any

INT64_MIN = -(2**63)
UINT64_MAX = 2**64 - 1
TARGETS = ("msgpack", "json", "json-decode")


class AnyOrder(list):
    """A list whose order the encoder does not promise (a set of unorderable items)."""


def text(value: str) -> str:
    """A str as the walker writes it: lone surrogates escaped as \\udXXX."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def key_text(key: Any) -> str:
    if isinstance(key, str):
        return text(key)
    return text(str(key))


def integer(value: int, target: str) -> Any:
    if INT64_MIN <= value <= UINT64_MAX:
        return int(value)
    try:
        digits = int.__str__(value)
    except ValueError:  # beyond sys.get_int_max_str_digits()
        return f"<int too large: {abs(value).bit_length()} bits>"
    return int(value) if target == "json" else digits


def floating(value: float, target: str) -> Any:
    if target == "msgpack" or math.isfinite(value):
        return float(value)
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def binary(value: bytes, target: str) -> Any:
    return bytes(value) if target == "msgpack" else base64.b64encode(bytes(value)).decode("ascii")


def expected(value: Any, target: str = "msgpack", max_depth: int = 64) -> Any:
    """The decoded form of `value` after normalization, for `target`."""
    assert target in TARGETS, target
    return _walk(value, target, max_depth, 0, [])


def _walk(value: Any, target: str, max_depth: int, depth: int, stack: list) -> Any:
    if depth > max_depth:
        return "<max depth exceeded>"
    if isinstance(value, enum.Enum):
        return _walk(value.value, target, max_depth, depth + 1, stack)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return text(value)
    if isinstance(value, int):
        return integer(value, target)
    if isinstance(value, float):
        return floating(value, target)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return binary(bytes(value), target)
    if isinstance(value, (dict, list, tuple)):
        if any(open_ is value for open_ in stack) and not isinstance(value, tuple):
            return "<cycle>"
        inner = stack if isinstance(value, tuple) else stack + [value]
        if isinstance(value, dict):
            return {key_text(k): _walk(v, target, max_depth, depth + 1, inner)
                    for k, v in value.items()}
        return [_walk(v, target, max_depth, depth + 1, inner) for v in value]
    if isinstance(value, (set, frozenset)):
        try:
            items = sorted(value)
            ordered = True
        except TypeError:
            items = list(value)
            ordered = False
        walked = [_walk(v, target, max_depth, depth + 1, stack) for v in items]
        return walked if ordered else AnyOrder(walked)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    as_dict = getattr(value, "as_dict", None)
    if callable(as_dict) and not isinstance(value, type):
        try:
            result = as_dict()
        except Exception as error:  # noqa: BLE001 - the walker turns it into text
            message = str(error)
            return f"<as_dict() raised {type(error).__name__}{': ' + message if message else ''}>"
        if any(open_ is value for open_ in stack):
            return "<cycle>"
        return _walk(result, target, max_depth, depth + 1, stack + [value])
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if any(open_ is value for open_ in stack):
            return "<cycle>"
        inner = stack + [value]
        return {f.name: _walk(getattr(value, f.name), target, max_depth, depth + 1, inner)
                for f in dataclasses.fields(value)}
    try:
        shown = repr(value)
    except Exception as error:  # noqa: BLE001
        message = str(error)
        return f"<repr() raised {type(error).__name__}{': ' + message if message else ''}>"
    return text(shown)


def same(want: Any, got: Any, path: str = "content") -> None:
    """Asserts that `got` equals `want` strictly; the message names the first difference."""
    if isinstance(want, AnyOrder):
        assert isinstance(got, list) and len(got) == len(want), f"{path}: {got!r} != {want!r}"
        left = list(got)
        for item in want:
            for i, candidate in enumerate(left):
                try:
                    same(item, candidate, path)
                except AssertionError:
                    continue
                del left[i]
                break
            else:
                raise AssertionError(f"{path}: {item!r} missing from {got!r}")
        return
    assert type(got) is type(want), f"{path}: {type(got).__name__} {got!r} != {type(want).__name__} {want!r}"
    if isinstance(want, float):
        if math.isnan(want):
            assert math.isnan(got), f"{path}: {got!r} != nan"
        else:
            assert got == want and math.copysign(1, got) == math.copysign(1, want), \
                f"{path}: {got!r} != {want!r}"
    elif isinstance(want, list):
        assert len(got) == len(want), f"{path}: length {len(got)} != {len(want)}: {got!r}"
        for i, (w, g) in enumerate(zip(want, got)):
            same(w, g, f"{path}[{i}]")
    elif isinstance(want, dict):
        assert list(got) == list(want), f"{path}: keys {list(got)!r} != {list(want)!r}"
        for k in want:
            same(want[k], got[k], f"{path}[{k!r}]")
    else:
        assert got == want, f"{path}: {got!r} != {want!r}"
