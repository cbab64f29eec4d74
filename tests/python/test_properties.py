"""Property-based tests of the content walker and both encoders on hostile content.

Hypothesis builds arbitrary nested values out of everything Kytos content can hold and
everything it should not: non-string keys, huge integers, NaN and infinities, lone
surrogates, bytes, dates, UUIDs, enums, objects whose as_dict() returns anything or raises,
objects with only a repr (or a repr that raises), cycles through lists, dicts and as_dict(),
very deep nesting and large strings. For every value, in both formats:

- encode() never raises and returns bytes;
- an independent decoder (msgpack / json) and event_bridge.decode() both read them;
- the content is what tests/support/normalize.py (written from docs/ENVELOPE.md, apart
  from the walker) says it must be, for the drawn max_depth;
- Bridge.publish() of the same content returns an outcome and never raises.
"""

from __future__ import annotations

import enum
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import event_bridge
from bridge_support import make_bridge, unique_topic, unpack
from event_bridge.testing import MockCluster
from normalize import expected, same

FORMATS = ("msgpack", "json")
OUTCOMES = {"accepted", "buffered"}


class Color(enum.Enum):
    RED = "red"
    BIG = 2**70
    NESTED = (1, "two")


class AsDict:
    """A Kytos-like object: as_dict() returns whatever it was given (garbage included)."""

    def __init__(self, value):
        self.value = value

    def as_dict(self):
        return self.value

    def __repr__(self):  # what the walker shows if it ever falls back to repr
        return "AsDict(...)"


class AsDictRaises:
    def __init__(self, error: type, message: str):
        self.error, self.message = error, message

    def as_dict(self):
        raise self.error(self.message)


class ReprOnly:
    def __init__(self, text: str):
        self.text = text

    def __repr__(self):
        return self.text


class ReprRaises:
    def __repr__(self):
        raise KeyError("gone")


def list_cycle(items: list) -> list:
    items = list(items)
    items.append(items)
    return items


def dict_cycle(items: dict) -> dict:
    items = dict(items)
    items["self"] = items
    return items


def as_dict_cycle(items: list) -> AsDict:
    holder = AsDict(None)
    holder.value = {"items": list(items), "me": holder}
    return holder


def deep(value, levels: int):
    for _ in range(levels):
        value = [value]
    return value


def text(max_size: int = 20):
    # Every code point, lone surrogates included.
    return st.text(alphabet=st.characters(blacklist_categories=()), max_size=max_size)


MESSAGES = st.text(alphabet="abcdef xyz:", max_size=12)
HASHABLE = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
            | st.floats(allow_nan=True, allow_infinity=True) | text(8) | st.binary(max_size=6))
KEYS = text(8) | HASHABLE | st.tuples(HASHABLE, HASHABLE) | st.sampled_from(list(Color))
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.integers(min_value=-(2**20000), max_value=2**20000)  # beyond 4300 digits too
    | st.floats(allow_nan=True, allow_infinity=True)
    | text()
    | text(3000)
    | st.binary(max_size=40)
    | st.binary(min_size=1000, max_size=5000)
    | st.dates() | st.datetimes() | st.times() | st.uuids()
    | st.sampled_from(list(Color))
    | st.builds(ReprOnly, text(12))
    | st.builds(ReprRaises)
    | st.builds(AsDictRaises, st.sampled_from([RuntimeError, ValueError, KeyError]), MESSAGES)
)


def containers(children):
    return (
        st.lists(children, max_size=5)
        | st.tuples(children, children)
        | st.dictionaries(KEYS, children, max_size=5)
        | st.frozensets(HASHABLE, max_size=5) | st.sets(st.integers(), max_size=5)
        | st.builds(AsDict, children)                    # as_dict() returns anything
        | st.builds(list_cycle, st.lists(children, max_size=3))
        | st.builds(dict_cycle, st.dictionaries(text(5), children, max_size=3))
        | st.builds(as_dict_cycle, st.lists(children, max_size=2))
        | st.builds(deep, children, st.integers(1, 120))  # deeper than any max_depth drawn
    )


HOSTILE = st.recursive(SCALARS, containers, max_leaves=30)
PROPERTY = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def bridge():
    with MockCluster(brokers=1) as cluster:
        # Messages up to 64 MB, so that no content here becomes an oversize marker.
        with make_bridge(cluster, verbose_topic=unique_topic("prop"), napp_topics_enabled=False,
                         max_message_bytes=64 << 20) as b:
            yield b


def check_encodes_as_documented(content, max_depth: int) -> None:
    for fmt in FORMATS:
        data = event_bridge.encode("kytos/prop", content, format=fmt, max_depth=max_depth)
        assert isinstance(data, bytes)
        if fmt == "msgpack":
            same(expected(content, "msgpack", max_depth), unpack(data)["content"])
        else:
            same(expected(content, "json", max_depth), json.loads(data)["content"])
        target = "msgpack" if fmt == "msgpack" else "json-decode"
        decoded = event_bridge.decode(data, event_bridge.CONTENT_TYPES[fmt])
        same(expected(content, target, max_depth), decoded["content"], "decode()")


@PROPERTY
@given(content=HOSTILE, max_depth=st.integers(1, 12))
def test_hostile_content_encodes_as_documented(content, max_depth):
    check_encodes_as_documented(content, max_depth)


@PROPERTY
@given(content=HOSTILE)
def test_hostile_content_encodes_as_documented_at_the_default_depth(content):
    check_encodes_as_documented(content, 64)


@PROPERTY
@given(content=HOSTILE, name=text(30) | st.integers() | st.none())
def test_publish_never_raises_on_hostile_content(bridge, content, name):
    before = bridge.stats()["received"]
    assert bridge.publish(name, content) in OUTCOMES
    assert bridge.stats()["received"] == before + 1


def test_what_was_published_is_all_delivered(bridge):
    """After the property runs above: nothing failed or was dropped on the way."""
    assert bridge.flush(60) == 0
    stats = bridge.stats()
    assert stats["published"] >= 300, "run with the property test above"
    assert stats["failed_terminal"] == stats["failed_retriable"] == 0, stats
    assert sum(stats["dropped"].values()) == 0, stats
    assert stats["delivered"] == stats["published"], stats
