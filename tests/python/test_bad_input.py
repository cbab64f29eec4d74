"""Hostile event content: encode() and Bridge.publish() never raise, and the bytes stay decodable."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import subprocess
import sys
import textwrap

import pytest

import event_bridge
from bridge_support import consume, envelopes, make_bridge, unique_topic, unpack

FORMATS = ("msgpack", "json")


class AsDictRaises:
    def as_dict(self):
        raise RuntimeError("switch is gone")


class AsDictReturnsSet:
    def as_dict(self):
        return {3, 2, 1}


class Plain:
    def __repr__(self):
        return "Plain()"


class AsDictReturnsPlain:
    def as_dict(self):
        return Plain()


class AsDictReturnsSelf:
    def as_dict(self):
        return self


class AsDictForever:
    """Every as_dict() returns a new object with an as_dict()."""

    def as_dict(self):
        return AsDictForever()


class AsDictProperty:
    @property
    def as_dict(self):
        raise RuntimeError("property raised")

    def __repr__(self):
        return "AsDictProperty()"


class AsDictNotCallable:
    as_dict = {"not": "callable"}

    def __repr__(self):
        return "AsDictNotCallable()"


class ReprRaises:
    def __repr__(self):
        raise RuntimeError("no repr for you")


class ReprNotStr:
    def __repr__(self):
        return 42


class GetattrRaises:
    def __getattr__(self, name):
        raise RuntimeError(f"no attribute {name}")

    def __repr__(self):
        return "GetattrRaises()"


class GetattributeRaises:
    def __getattribute__(self, name):
        raise RuntimeError(f"no attribute {name}")


class StrRaises:
    def __str__(self):
        raise RuntimeError("no str")

    def __hash__(self):
        return 1

    def __eq__(self, other):
        return self is other


class LtRaises:
    def __init__(self, n):
        self.n = n

    def __lt__(self, other):
        raise RuntimeError("cannot order")

    def __hash__(self):
        return self.n

    def __repr__(self):
        return f"LtRaises({self.n})"


class IterRaisesSet(set):
    def __iter__(self):
        raise RuntimeError("no iteration")


class BadDate(dt.date):
    def isoformat(self):
        raise RuntimeError("no isoformat")


@dataclasses.dataclass
class Broken:
    a: int
    b: int


def broken_dataclass():
    value = Broken(1, 2)
    del value.b
    return value


def released_memoryview():
    view = memoryview(b"abc")
    view.release()
    return view


def self_growing_list():
    items = []

    class Grows:
        def as_dict(self):
            items.extend(range(1000))
            items.append(items)
            return "grew"

    items.extend([0, Grows(), 2])
    return items


def self_clearing_list():
    items = []

    class Clears:
        def as_dict(self):
            del items[:]
            return "cleared"

    items.extend([0, Clears(), 2, 3])
    return items


def deep_lists(levels=10000):
    value = "bottom"
    for _ in range(levels):
        value = [value]
    return value


def deep_dicts(levels=10000):
    value = "bottom"
    for _ in range(levels):
        value = {"d": value}
    return value


# id, content factory, expected msgpack content (None: only "decodable" is checked)
HOSTILE = [
    ("as_dict_raises", AsDictRaises, "<as_dict() raised RuntimeError: switch is gone>"),
    ("as_dict_returns_set", AsDictReturnsSet, [1, 2, 3]),
    ("as_dict_returns_object_without_as_dict", AsDictReturnsPlain, "Plain()"),
    ("as_dict_returns_self", AsDictReturnsSelf, "<cycle>"),
    ("as_dict_forever", AsDictForever, None),
    ("as_dict_property_raises", AsDictProperty, "AsDictProperty()"),
    ("as_dict_not_callable", AsDictNotCallable, "AsDictNotCallable()"),
    ("repr_raises", ReprRaises, "<repr() raised RuntimeError: no repr for you>"),
    ("repr_not_str", ReprNotStr, "<repr() raised TypeError: __repr__ returned non-string (type int)>"),
    ("getattr_raises", GetattrRaises, "GetattrRaises()"),
    ("getattribute_raises", GetattributeRaises, None),
    ("key_str_raises", lambda: {StrRaises(): 1}, {"<str() raised RuntimeError: no str>": 1}),
    ("unorderable_set", lambda: {LtRaises(1), LtRaises(2)}, None),
    ("set_iteration_raises", lambda: IterRaisesSet({1}), "<set iteration raised RuntimeError: no iteration>"),
    ("isoformat_raises", lambda: BadDate(2024, 1, 2), None),
    ("dataclass_missing_field", broken_dataclass, None),
    ("released_memoryview", released_memoryview, None),
    ("deep_lists", deep_lists, None),
    ("deep_dicts", deep_dicts, None),
    ("huge_int", lambda: 2**100000, "<int too large: 100001 bits>"),
    ("huge_negative_int", lambda: -(10**5000), "<int too large: 16610 bits>"),
    ("self_growing_list", self_growing_list, None),
    ("self_clearing_list", self_clearing_list, [0, "cleared", None, None]),
    ("exception_instance", lambda: ValueError("x"), "ValueError('x')"),
    ("generator", lambda: (i for i in range(3)), None),
    ("module", lambda: json, None),
    ("class", lambda: AsDictRaises, None),
    ("lone_surrogate_key_and_value", lambda: {"k\ud800": "v\udfff"}, {"k\\ud800": "v\\udfff"}),
    ("str_key_of_surrogates", lambda: {StrSurrogate(): 1}, None),
]


class StrSurrogate:
    def __str__(self):
        return "bad\ud800"

    def __hash__(self):
        return 2


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("factory, want", [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_encode_never_raises_and_stays_decodable(fmt, factory, want):
    content = factory()
    data = event_bridge.encode("kytos/hostile", {"c": content}, format=fmt)
    envelope = unpack(data) if fmt == "msgpack" else json.loads(data)
    assert event_bridge.decode(data)["seq"] == 1
    assert envelope["name"] == "kytos/hostile"
    if want is not None and fmt == "msgpack":
        assert envelope["content"] == {"c": want}


def test_walk_leaves_no_python_error_behind():
    # A pending exception would surface at the next unrelated Python call.
    event_bridge.encode("n", [GetattrRaises(), ReprRaises(), AsDictRaises(), {StrRaises(): 1}])
    assert sys.exc_info() == (None, None, None)
    assert [1, 2] == [1, 2]


def test_specific_shapes_of_hostile_values():
    got = unpack(event_bridge.encode("n", [
        AsDictForever(), broken_dataclass(), released_memoryview(), BadDate(2024, 1, 2),
        {LtRaises(1), LtRaises(2)},
    ]))["content"]
    assert got[0] == "<max depth exceeded>"
    assert got[1] == {"a": 1, "b": "<attribute raised AttributeError: 'Broken' object has no attribute 'b'>"}
    assert got[2] == "<memoryview raised ValueError: operation forbidden on released memoryview object>"
    assert got[3] == "BadDate(2024, 1, 2)"
    assert sorted(got[4]) == ["LtRaises(1)", "LtRaises(2)"]


@pytest.mark.parametrize("factory", [deep_lists, deep_dicts])
def test_deep_nesting_is_cut_at_max_depth(factory):
    counters: dict = {}
    content = unpack(event_bridge.encode("n", factory(), counters=counters))["content"]
    depth = 0
    while not isinstance(content, str):
        content = content[0] if isinstance(content, list) else content["d"]
        depth += 1
    assert content == "<max depth exceeded>"
    assert depth == 65  # containers at depth 0..64 are written, the 65th level is the marker
    assert counters["depth_exceeded"] == 1


def test_as_dict_forever_is_cut_at_max_depth():
    counters: dict = {}
    content = unpack(event_bridge.encode("n", AsDictForever(), counters=counters, max_depth=5))["content"]
    assert content == "<max depth exceeded>"
    assert counters["depth_exceeded"] == 1


def test_huge_int_counts_as_big_integer():
    counters: dict = {}
    event_bridge.encode("n", [2**100000, 2**65], counters=counters)
    assert counters["big_integers"] == 2


# ---------------------------------------------------------------------------- through a Bridge

@pytest.fixture
def topic():
    return unique_topic("hostile")


@pytest.fixture
def bridge(cluster, topic):
    b = make_bridge(cluster, napp_topics_enabled=False, verbose_topic=topic)
    yield b
    b.close(2)


def test_publish_never_raises_on_hostile_content(cluster, bridge, topic):
    outcomes = [bridge.publish("kytos/hostile", factory()) for _, factory, _ in HOSTILE]
    outcomes += [bridge.publish("kytos/hostile", {"c": factory()}) for _, factory, _ in HOSTILE]
    assert outcomes == ["accepted"] * (2 * len(HOSTILE))
    assert bridge.publish("kytos/after", {"ok": True}) == "accepted"
    assert bridge.flush(10) == 0
    stats = bridge.stats()
    total = 2 * len(HOSTILE) + 1
    assert stats["published"] == stats["delivered"] == stats["last_seq"] == total
    normalized = stats["normalized"]
    assert normalized["as_dict_errors"] == 2
    assert normalized["depth_exceeded"] >= 4 and normalized["big_integers"] == 4
    assert normalized["repr_fallbacks"] > 0 and normalized["cycles"] > 0
    got = envelopes(consume(cluster, topic, total))
    assert [e["seq"] for e in got] == list(range(1, total + 1))
    assert got[-1]["content"] == {"ok": True}
    for envelope, (_, _, want) in zip(got[:len(HOSTILE)], HOSTILE):
        if want is not None:
            assert envelope["content"] == want


@pytest.mark.parametrize("name, published_as", [
    (42, "42"), (None, "None"), (b"kytos/x", "b'kytos/x'"), (StrRaises(), ""), ("kytos/\udc80", None),
])
def test_publish_with_non_str_name(cluster, bridge, topic, name, published_as):
    assert bridge.publish(name, {"x": 1}) == "accepted"
    assert bridge.flush(10) == 0
    (envelope,) = envelopes(consume(cluster, topic, 1))
    if published_as is not None:
        assert envelope["name"] == published_as


def test_oversize_event_becomes_a_marker_envelope(cluster, topic):
    bridge = make_bridge(cluster, napp_topics_enabled=False, verbose_topic=topic,
                         max_message_bytes=2000)
    try:
        event_id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
        when = dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.timezone.utc)
        content = {"link": {"id": "L-1"}, "blob": "x" * 5000}
        assert bridge.publish("kytos/topology.big", content, id=event_id, timestamp=when) == "accepted"
        small = {"link": {"id": "L-2"}, "blob": "y" * 100}
        assert bridge.publish("kytos/topology.small", small) == "accepted"
        assert bridge.flush(10) == 0
        stats = bridge.stats()
        assert stats["oversize"] == 1
        assert stats["delivered"] == 2
        # The size the marker reports is the full envelope the bridge would have sent.
        full = event_bridge.encode("kytos/topology.big", content, id=event_id, timestamp=when, seq=1,
                                   instance=bridge.instance, source="test-controller")
        assert len(full) > 2000
        messages = consume(cluster, topic, 2)
        marker, intact = envelopes(messages)
        assert marker == {
            "version": 1, "id": event_id, "name": "kytos/topology.big",
            "timestamp": "2026-01-02T03:04:05.678901Z", "seq": 1, "instance": bridge.instance,
            "source": "test-controller",
            "content": {"_event_bridge": "oversize", "size": len(full), "limit": 2000},
        }
        assert intact["content"] == small
        keys = {unpack(m.value())["seq"]: m.key() for m in messages}
        assert keys == {1: b"L-1", 2: b"L-2"}  # the marker keeps the event's key
        # The marker envelope is itself what encode() would give for the marker content.
        assert len(messages[0].value()) < 2000 and len(messages[1].value()) < 2000
    finally:
        bridge.close(2)


# ---------------------------------------------------------------------------- bugs

def test_huge_max_depth_with_deep_content_does_not_crash_the_interpreter(cluster):
    script = textwrap.dedent(f"""
        import event_bridge
        value = 1
        for _ in range(10**6):
            value = [value]
        try:
            bridge = event_bridge.Bridge(bootstrap_servers={cluster.bootstrap_servers!r},
                                         create_topics=False, max_depth=10**6)
        except event_bridge.ConfigError:
            print("refused")  # a bounded max_depth is a fix too
        else:
            print(bridge.publish("n", value))
            bridge.close(0)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"interpreter died with {result.returncode}"
    assert result.stdout.strip() in ("accepted", "refused")


class ValueRaises(enum.Enum):
    A = 1

    def __getattribute__(self, name):
        if name == "value":
            raise RuntimeError("no value")
        return super().__getattribute__(name)


def test_every_placeholder_is_counted():
    # Each conversion that raised is a placeholder and a value_errors count; a str with lone
    # surrogates is escaped and an escaped_strs count: nothing normalized goes uncounted.
    counters: dict = {}
    got = unpack(event_bridge.encode("n", [
        ValueRaises.A, IterRaisesSet({1}), released_memoryview(), broken_dataclass(), "x\ud800",
    ], counters=counters))["content"]
    assert got[0] == "<Enum.value raised RuntimeError: no value>"
    assert got[1] == "<set iteration raised RuntimeError: no iteration>"
    assert got[2].startswith("<memoryview raised ValueError")
    assert got[3]["b"].startswith("<attribute raised AttributeError")
    assert got[4] == "x\\ud800"
    assert counters["value_errors"] == 4
    assert counters["escaped_strs"] == 1
