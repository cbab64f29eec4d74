"""The per-event fast paths (key cache, in-place UTF-8, late attribute reads) give the same bytes."""

from __future__ import annotations

import collections
import datetime as dt
import gc
import sys
import uuid

import pytest

import event_bridge
from bridge_support import consume, make_bridge, unique_topic, unpack

STAMP = dt.datetime(2026, 11, 25, 12, 0, 0, 123456, tzinfo=dt.timezone.utc)


class Event:
    def __init__(self, name, content, id=None, timestamp=STAMP):
        self.name = name
        self.content = content
        self.id = id if id is not None else uuid.uuid4()
        self.timestamp = timestamp


class CountingEvent:
    """Counts how often the bridge reads each attribute."""

    def __init__(self, name, content):
        self.reads = collections.Counter()
        self._name, self._content, self._id = name, content, uuid.uuid4()

    @property
    def name(self):
        self.reads["name"] += 1
        return self._name

    @property
    def content(self):
        self.reads["content"] += 1
        return self._content

    @property
    def id(self):
        self.reads["id"] += 1
        return self._id

    @property
    def timestamp(self):
        self.reads["timestamp"] += 1
        return STAMP


class Str(str):
    def __str__(self):
        return "not the value"


class Dict(dict):
    def items(self):
        raise AssertionError("the walker reads the dict itself")


def fresh(text):
    """A str object of its own (not interned, not shared with the test's literals)."""
    return "".join(list(text))


# Keys and values of every storage kind CPython has: ASCII (compact, read in place),
# latin-1, 2-byte and 4-byte kinds, lone surrogates (no UTF-8), subclasses (not compact),
# and sizes around the cached-key limit (fixstr, 31 bytes).
STRS = ["", "a", "dpid", "x" * 30, "y" * 31, "z" * 32, "w" * 40, "k" * 300, "caf\xe9",
        "\u65e5\u672c", "emoji \U0001F600", "\xe9" * 20, "lone \udc80 surrogate",
        Str("sub"), Str("sub caf\xe9"), fresh("made at run time"), fresh("caf\xe9 run time")]


def content_with_every_str():
    content = {}
    for i, text in enumerate(STRS):
        content[text] = text
        content[f"v{i}"] = [text, {text: i}]
    return content


@pytest.fixture
def topic():
    return unique_topic("hot")


@pytest.fixture
def bridge(cluster, topic):
    b = make_bridge(cluster, napp_topics_enabled=False, verbose_topic=topic,
                    deny=[r"kytos/core\.openflow\.raw\..*"])
    yield b
    b.close(2)


def reference(bridge, event, seq):
    """The envelope as event_bridge.encode writes it (no bridge, no key cache)."""
    return event_bridge.encode(event.name, event.content, id=event.id, timestamp=event.timestamp,
                               seq=seq, instance=bridge.instance, source="test-controller")


def published(cluster, bridge, topic, events):
    """Publishes with publish_event; returns the message values in seq order."""
    for event in events:
        assert bridge.publish_event(event) == "accepted"
    assert bridge.flush(10) == 0
    messages = consume(cluster, topic, len(events))
    assert len(messages) == len(events)
    return [m.value() for m in sorted(messages, key=lambda m: unpack(m.value())["seq"])]


def test_every_kind_of_str_gives_the_reference_bytes(cluster, bridge, topic):
    events = [Event("kytos/topology.link_up", content_with_every_str()) for _ in range(3)]
    values = published(cluster, bridge, topic, events)
    for seq, (event, value) in enumerate(zip(events, values), start=1):
        assert value == reference(bridge, event, seq)
    content = unpack(values[0])["content"]
    assert content["caf\xe9"] == "caf\xe9" and content["emoji \U0001F600"] == "emoji \U0001F600"
    assert content["sub"] == "sub"  # the str's data, not its __str__
    assert content["lone \\udc80 surrogate"] == "lone \\udc80 surrogate"
    assert content["y" * 31] == "y" * 31 and content["k" * 300] == "k" * 300


def test_many_distinct_keys_collide_in_the_cache_and_stay_correct(cluster, bridge, topic):
    # Far more keys than cache slots, in one event and across events, repeated.
    keys = [fresh(f"key-{i}") for i in range(3000)]
    events = [Event("kytos/topology.switch.new", {k: i for i, k in enumerate(keys)}),
              Event("kytos/topology.switch.new", {k: {k: k} for k in keys[::7]}),
              Event("kytos/topology.switch.new", {k: i for i, k in enumerate(keys)})]
    values = published(cluster, bridge, topic, events)
    for seq, (event, value) in enumerate(zip(events, values), start=1):
        assert value == reference(bridge, event, seq)
    assert unpack(values[2])["content"] == {k: i for i, k in enumerate(keys)}


def test_keys_freed_and_made_again_are_never_confused(cluster, bridge, topic):
    # Key strs that die after each event: new strs at the same addresses must not be
    # written with the old bytes.
    events, expected = [], []
    for round_ in range(40):
        content = {fresh(f"r{round_}-{i}"): i for i in range(50)}
        expected.append({f"r{round_}-{i}": i for i in range(50)})
        event = Event("kytos/topology.port.created", content)
        assert bridge.publish_event(event) == "accepted"
        events.append(event.id)
        del content, event
        gc.collect()
    assert bridge.flush(10) == 0
    got = sorted((unpack(m.value()) for m in consume(cluster, topic, len(expected))),
                 key=lambda e: e["seq"])
    assert [e["content"] for e in got] == expected
    assert [e["id"] for e in got] == [str(i) for i in events]


def test_the_key_cache_keeps_at_most_one_reference_per_key(bridge):
    key = fresh("a key of its own")
    before = sys.getrefcount(key)
    for _ in range(100):
        bridge.publish("kytos/topology.link_up", {key: 1, "other": {key: 2}})
    assert sys.getrefcount(key) <= before + 1


def test_dict_and_str_subclasses(cluster, bridge, topic):
    inner = Dict(a=1, b=[1, 2])
    content = {"dict": inner, "ordered": collections.OrderedDict([("z", 1), ("a", 2)]),
               Str("subkey"): Str("subvalue"), "tuple": (1, "two", None, 2.5, True)}
    events = [Event("kytos/mef_eline.deployed", content)]
    (value,) = published(cluster, bridge, topic, events)
    assert value == reference(bridge, events[0], 1)
    got = unpack(value)["content"]
    assert got == {"dict": {"a": 1, "b": [1, 2]}, "ordered": {"z": 1, "a": 2},
                   "subkey": "subvalue", "tuple": [1, "two", None, 2.5, True]}
    assert list(got["ordered"]) == ["z", "a"]


class Mutator:
    """Its as_dict() empties the dict being walked and drops the last references to its
    keys and values (all made at run time)."""

    def __init__(self):
        self.parent = None

    def as_dict(self):
        self.parent.clear()
        gc.collect()
        return {"mutated": True}


def test_content_changed_by_as_dict_while_walked(cluster, bridge, topic):
    for _ in range(20):
        mutator = Mutator()
        content = {fresh("first"): fresh("value one"), fresh("m"): mutator}
        for i in range(10):
            content[fresh(f"later-{i}")] = fresh(f"value-{i}")
        mutator.parent = content
        assert bridge.publish("kytos/topology.link_up", content) == "accepted"
    assert bridge.flush(10) == 0
    got = [unpack(m.value())["content"] for m in consume(cluster, topic, 20)]
    assert len(got) == 20
    for content in got:
        assert content["first"] == "value one" and content["m"] == {"mutated": True}
        assert len(content) == 12  # the announced size, padded with placeholders


def test_filtered_events_read_only_the_name_and_are_counted(bridge):
    before = bridge.stats()
    events = [CountingEvent("kytos/core.openflow.raw.in", {"x": 1}) for _ in range(5)]
    assert [bridge.publish_event(e) for e in events] == ["filtered"] * 5
    passing = CountingEvent("kytos/topology.link_up", {"link": {"id": "l1"}})
    assert bridge.publish_event(passing) == "accepted"
    after = bridge.stats()
    assert after["received"] - before["received"] == 6
    assert after["filtered"] - before["filtered"] == 5
    assert after["published"] - before["published"] == 1
    assert after["last_seq"] - before["last_seq"] == 1  # filtered events take no seq
    for event in events:
        assert event.reads == {"name": 1}
    assert passing.reads == {"name": 1, "content": 1, "id": 1, "timestamp": 1}


def test_events_after_close_are_counted_without_reading_them(cluster):
    b = make_bridge(cluster, napp_topics_enabled=False, verbose_topic=unique_topic("closed"))
    b.close(2)
    event = CountingEvent("kytos/topology.link_up", {"x": 1})
    assert b.publish_event(event) == "closed"
    assert b.stats()["dropped"]["after_close"] == 1
    assert "content" not in event.reads


class OddUuid(uuid.UUID):
    """A UUID subclass whose .int is outside 128 bits: the low 128 bits are published."""

    @property
    def int(self):
        return (1 << 130) + 0x0123456789ABCDEF0123456789ABCDEF


class BrokenUuid(uuid.UUID):
    @property
    def int(self):
        raise RuntimeError("no int")


@pytest.mark.parametrize("event_id, want", [
    (uuid.UUID("12345678-1234-5678-1234-567812345678"), "12345678-1234-5678-1234-567812345678"),
    ("12345678-1234-5678-1234-567812345678", "12345678-1234-5678-1234-567812345678"),
    (uuid.UUID(int=0), "00000000-0000-0000-0000-000000000000"),
    (uuid.UUID(int=(1 << 128) - 1), "ffffffff-ffff-ffff-ffff-ffffffffffff"),
    (object.__new__(OddUuid), "01234567-89ab-cdef-0123-456789abcdef"),
    (object.__new__(BrokenUuid), None),
    ("not a uuid", None),
])
def test_event_ids(cluster, bridge, topic, event_id, want):
    event = Event("kytos/topology.link_up", {"x": 1}, id=event_id)
    (value,) = published(cluster, bridge, topic, [event])
    got = unpack(value)["id"]
    if want is None:
        assert uuid.UUID(got).version == 4  # a random id instead
    else:
        assert got == want


def test_event_without_attributes_and_with_raising_attributes(cluster, bridge, topic):
    class Raising:
        name = "kytos/topology.link_up"

        @property
        def content(self):
            raise RuntimeError("gone")

        @property
        def id(self):
            raise RuntimeError("gone")

    class NameOnly:
        name = "kytos/topology.link_down"

    assert bridge.publish_event(Raising()) == "accepted"
    assert bridge.publish_event(NameOnly()) == "accepted"
    assert bridge.flush(10) == 0
    got = sorted((unpack(m.value()) for m in consume(cluster, topic, 2)), key=lambda e: e["seq"])
    assert [(e["name"], e["content"]) for e in got] == [("kytos/topology.link_up", None),
                                                       ("kytos/topology.link_down", None)]


class Attributes:
    def __init__(self, i):
        self.a, self.b, self.c = i, str(i), [i]


class Grower:
    """Its as_dict() adds entries to the dict being walked (the table is resized)."""

    def __init__(self):
        self.parent = None

    def as_dict(self):
        for i in range(100):
            self.parent[fresh(f"added-{i}")] = i
        return {"grown": True}


def test_every_kind_of_dict_table(cluster, bridge, topic):
    holes = {fresh(f"h{i}"): i for i in range(40)}
    for i in range(0, 40, 3):
        del holes[f"h{i}"]
    general = {1: "one", "two": 2, (3,): 3, None: "none"}
    general_holes = {i: i for i in range(30)}
    for i in range(0, 30, 4):
        del general_holes[i]
    objects = [Attributes(i) for i in range(3)]
    split = [vars(o) for o in objects]  # instance dicts share their keys (split tables)
    grower = Grower()
    grown = {"before": 1, "g": grower, "after": 2}
    grower.parent = grown
    content = {"holes": holes, "general": general, "general_holes": general_holes,
               "split": split, "grown": grown, "empty": {}}
    event = Event("kytos/topology.switch.new", content)
    assert bridge.publish_event(event) == "accepted"
    assert bridge.flush(10) == 0
    (message,) = consume(cluster, topic, 1)
    got = unpack(message.value())["content"]
    assert list(got["holes"].items()) == [(f"h{i}", i) for i in range(40) if i % 3]
    assert got["general"] == {"1": "one", "two": 2, "(3,)": 3, "None": "none"}
    assert list(got["general_holes"]) == [str(i) for i in range(30) if i % 4]
    assert got["split"] == [{"a": i, "b": str(i), "c": [i]} for i in range(3)]
    # The announced three entries, read as the dict is when each is reached.
    assert got["grown"] == {"before": 1, "g": {"grown": True}, "after": 2}
    assert got["empty"] == {}
