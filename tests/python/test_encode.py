"""event_bridge.encode(): the envelope and every content normalization, read back by independent decoders."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import decimal
import enum
import json
import math
import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import event_bridge
from bridge_support import unpack
from normalize import AnyOrder, expected, same

FORMATS = ("msgpack", "json")
ENVELOPE_KEYS = ["version", "id", "name", "timestamp", "seq", "instance", "source", "content"]
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
COUNTER_NAMES = ("stringified_keys", "repr_fallbacks", "cycles", "depth_exceeded",
                 "as_dict_errors", "big_integers", "value_errors", "escaped_strs")
NO_COUNTS = dict.fromkeys(COUNTER_NAMES, 0)


def counts(**nonzero: int) -> dict:
    return {**NO_COUNTS, **nonzero}


def independent(data: bytes, fmt: str):
    return unpack(data) if fmt == "msgpack" else json.loads(data)


def big_ints_as_digits(value):
    """json.loads' view -> event_bridge.decode's view of a JSON message (decoder.cpp)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not -(2**63) <= value <= 2**64 - 1:
        return str(value)
    if isinstance(value, list):
        return [big_ints_as_digits(v) for v in value]
    if isinstance(value, dict):
        return {k: big_ints_as_digits(v) for k, v in value.items()}
    return value


def roundtrip(content, fmt: str, **kwargs):
    """(envelope decoded independently, counters); checks event_bridge.decode agrees."""
    counters: dict = {}
    data = event_bridge.encode("kytos/test.event", content, format=fmt, counters=counters, **kwargs)
    assert isinstance(data, bytes)
    envelope = independent(data, fmt)
    ours = event_bridge.decode(data, event_bridge.CONTENT_TYPES[fmt])
    same(envelope if fmt == "msgpack" else big_ints_as_digits(envelope), ours, "decode()")
    return envelope, counters


# ---------------------------------------------------------------------------- envelope

@pytest.mark.parametrize("fmt", FORMATS)
def test_envelope_fields_in_order(fmt):
    event_id = uuid.UUID("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")
    when = dt.datetime(2026, 11, 25, 12, 0, 0, 123456, tzinfo=dt.timezone.utc)
    instance = "11111111-2222-4333-8444-555555555555"
    data = event_bridge.encode("kytos/topology.link_up", {"k": "v"}, format=fmt, id=event_id,
                               timestamp=when, seq=42, instance=instance, source="ctl-a")
    envelope = independent(data, fmt)
    assert list(envelope) == ENVELOPE_KEYS
    assert envelope == {
        "version": 1,
        "id": "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
        "name": "kytos/topology.link_up",
        "timestamp": "2026-11-25T12:00:00.123456Z",
        "seq": 42,
        "instance": instance,
        "source": "ctl-a",
        "content": {"k": "v"},
    }
    assert event_bridge.decode(data) == envelope  # content type detected from the first byte
    assert event_bridge.ENVELOPE_VERSION == 1


def test_encode_defaults():
    envelope = unpack(event_bridge.encode("n", None))
    assert envelope["seq"] == 1
    assert envelope["instance"] == "00000000-0000-0000-0000-000000000000"
    assert envelope["source"] == ""
    assert envelope["content"] is None


def test_msgpack_is_the_default_format_and_json_is_text():
    assert event_bridge.encode("n", {})[:1] == b"\x88"  # fixmap of the 8 envelope fields
    data = event_bridge.encode("n", {}, format="json")
    assert data.startswith(b'{"version":1,"id":"')
    data.decode("utf-8")


def test_unknown_format_is_a_config_error():
    with pytest.raises(event_bridge.ConfigError) as info:
        event_bridge.encode("n", {}, format="xml")
    assert info.value.field == "format"
    assert "xml" in str(info.value)


@pytest.mark.parametrize("fmt", FORMATS)
def test_non_str_name_is_stringified(fmt):
    assert independent(event_bridge.encode(12, {}, format=fmt), fmt)["name"] == "12"


# ---------------------------------------------------------------------------- id

@pytest.mark.parametrize("given, want", [
    (uuid.UUID("12345678-1234-5678-1234-567812345678"), "12345678-1234-5678-1234-567812345678"),
    ("12345678-1234-5678-1234-567812345678", "12345678-1234-5678-1234-567812345678"),
    ("ABCDEF01-2345-6789-ABCD-EF0123456789", "abcdef01-2345-6789-abcd-ef0123456789"),
    ("abcdef0123456789abcdef0123456789", "abcdef01-2345-6789-abcd-ef0123456789"),
    (uuid.UUID(int=0), "00000000-0000-0000-0000-000000000000"),
    (uuid.UUID(int=2**128 - 1), "ffffffff-ffff-ffff-ffff-ffffffffffff"),
])
def test_given_id_is_kept_in_canonical_form(given, want):
    for fmt in FORMATS:
        assert independent(event_bridge.encode("n", {}, format=fmt, id=given), fmt)["id"] == want


def assert_random_v4(text: str):
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", text), text
    parsed = uuid.UUID(text)
    assert parsed.version == 4 and parsed.variant == uuid.RFC_4122


def test_default_id_is_a_fresh_random_v4_uuid():
    ids = {unpack(event_bridge.encode("n", {}))["id"] for _ in range(200)}
    assert len(ids) == 200
    for text in ids:
        assert_random_v4(text)


@pytest.mark.parametrize("bad", ["not-a-uuid", "", "1234", "{12345678-1234-5678-1234-567812345678}",
                                 12345, 1.5, b"12345678123456781234567812345678", object()])
def test_unusable_id_falls_back_to_a_random_v4(bad):
    envelope = unpack(event_bridge.encode("n", {}, id=bad))
    assert_random_v4(envelope["id"])


# ---------------------------------------------------------------------------- timestamp

@pytest.mark.parametrize("given, want", [
    (dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone.utc), "2024-05-06T07:08:09.123456Z"),
    (dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2))),
     "2024-05-06T05:08:09.123456Z"),
    (dt.datetime(2024, 1, 1, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30))),
     "2024-01-01T05:00:00.000000Z"),
    (dt.datetime(2024, 5, 6, 7, 8, 9), "2024-05-06T07:08:09.000000Z"),  # naive: taken as UTC
    (dt.datetime(2000, 2, 29, 23, 59, 59, 999999), "2000-02-29T23:59:59.999999Z"),
    (dt.datetime(1969, 12, 31, 23, 59, 59, 1), "1969-12-31T23:59:59.000001Z"),
    (dt.datetime(2024, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))), "2023-12-31T23:30:00.000000Z"),
    (0, "1970-01-01T00:00:00.000000Z"),
    (1700000000, "2023-11-14T22:13:20.000000Z"),
    (1700000000.5, "2023-11-14T22:13:20.500000Z"),
    (1700000000.123456, "2023-11-14T22:13:20.123456Z"),
    (0.25, "1970-01-01T00:00:00.250000Z"),
    (-1.5, "1969-12-31T23:59:58.500000Z"),
])
def test_timestamp_conversion(given, want):
    for fmt in FORMATS:
        assert independent(event_bridge.encode("n", {}, format=fmt, timestamp=given), fmt)["timestamp"] == want


def test_aware_timestamp_with_zoneinfo():
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        zone = zoneinfo.ZoneInfo("America/Sao_Paulo")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no tz database")
    when = dt.datetime(2024, 6, 1, 9, 0, 0, 42, tzinfo=zone)  # UTC-3
    assert unpack(event_bridge.encode("n", {}, timestamp=when))["timestamp"] == "2024-06-01T12:00:00.000042Z"


def test_default_timestamp_is_now_in_utc():
    before = dt.datetime.now(dt.timezone.utc)
    stamp = unpack(event_bridge.encode("n", {}))["timestamp"]
    after = dt.datetime.now(dt.timezone.utc)
    assert TIMESTAMP.match(stamp), stamp
    parsed = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    assert before - dt.timedelta(milliseconds=5) <= parsed <= after + dt.timedelta(milliseconds=5)


@pytest.mark.parametrize("bad", ["2024-01-01T00:00:00Z", True, None, object(), 1e12, float("nan")])
def test_unusable_timestamp_falls_back_to_now(bad):
    stamp = unpack(event_bridge.encode("n", {}, timestamp=bad))["timestamp"]
    parsed = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    assert abs(dt.datetime.now(dt.timezone.utc) - parsed) < dt.timedelta(seconds=5)


# ---------------------------------------------------------------------------- content kinds

class Color(enum.Enum):
    RED = "red"
    PAIR = (1, 2)


class Level(enum.IntEnum):
    HIGH = 3


class Mode(str, enum.Enum):
    ON = "on"


class Flag(enum.IntFlag):
    A = 1
    B = 2


class InterfaceID(str):
    """Kytos' id types are str subclasses."""


class Port(int):
    pass


class Ratio(float):
    pass


class Thing:
    def __init__(self, n):
        self.n = n

    def __repr__(self):
        return f"Thing({self.n})"


class WithAsDict:
    def __init__(self, **fields):
        self.fields = fields

    def as_dict(self):
        return dict(self.fields)


class AsDictRaises:
    def as_dict(self):
        raise ValueError("bad state")


class AsDictRaisesEmpty:
    def as_dict(self):
        raise KeyError()


class ReprRaises:
    def __repr__(self):
        raise RuntimeError("no repr")


@dataclasses.dataclass
class Point:
    x: int
    y: float
    tags: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Holder:
    point: Point
    when: dt.date


@dataclasses.dataclass
class DataWithAsDict:
    x: int = 1

    def as_dict(self):
        return {"from": "as_dict"}


class MyDict(dict):
    pass


def self_list():
    items = [1]
    items.append(items)
    return items


def self_dict():
    d = {"a": 1}
    d["self"] = d
    d["list"] = [d]
    return d


def nested_lists(levels: int, leaf=1):
    value = leaf
    for _ in range(levels):
        value = [value]
    return value


NAN, INF = float("nan"), float("inf")
UUID1 = uuid.UUID("8d3f5a5e-6b7c-4d8e-9f00-112233445566")

# id, content, msgpack view, json view, counters
CASES = [
    ("dict", {"a": 1, "b": {"c": [1, 2]}}, {"a": 1, "b": {"c": [1, 2]}}, None, counts()),
    ("non_str_keys", {1: "i", None: "n", 2.5: "f", (1, 2): "t", False: "b"},
     {"1": "i", "None": "n", "2.5": "f", "(1, 2)": "t", "False": "b"}, None, counts(stringified_keys=5)),
    ("dict_subclasses", [MyDict(a=1), collections.OrderedDict([("z", 1), ("a", 2)]),
                         collections.defaultdict(list, {"k": [1]}), collections.Counter("aab")],
     [{"a": 1}, {"z": 1, "a": 2}, {"k": [1]}, {"a": 2, "b": 1}], None, counts()),
    ("list_tuple", [[1, "a"], (2, None), (), []], [[1, "a"], [2, None], [], []], None, counts()),
    ("sets_sorted", [{3, 1, 2}, frozenset({"b", "c", "a"}), set()], [[1, 2, 3], ["a", "b", "c"], []],
     None, counts()),
    ("set_unsortable", {1, "a"}, AnyOrder([1, "a"]), None, counts()),
    ("str", ["", "plain", "héllo ☃ 🎉", "quote\" back\\slash \n\t\x00\x1f"],
     ["", "plain", "héllo ☃ 🎉", "quote\" back\\slash \n\t\x00\x1f"], None, counts()),
    ("lone_surrogates", ["a\ud800b", "\udfff"], ["a\\ud800b", "\\udfff"], None, counts(escaped_strs=2)),
    ("str_subclass", InterfaceID("00:00:00:00:00:00:00:01:1"), "00:00:00:00:00:00:00:01:1", None, counts()),
    ("bytes", [b"", b"\x00\xffab", bytearray(b"xyz"), memoryview(b"hello"), memoryview(b"abcdef")[::2]],
     [b"", b"\x00\xffab", b"xyz", b"hello", b"ace"], ["", "AP9hYg==", "eHl6", "aGVsbG8=", "YWNl"], counts()),
    ("ints", [0, -1, 1, 127, -32, 2**63 - 1, -(2**63), 2**64 - 1, Port(6653)],
     [0, -1, 1, 127, -32, 2**63 - 1, -(2**63), 2**64 - 1, 6653], None, counts()),
    ("big_ints", [2**64, -(2**63) - 1, 10**30],
     ["18446744073709551616", "-9223372036854775809", "1" + "0" * 30],
     [2**64, -(2**63) - 1, 10**30], counts(big_integers=3)),
    ("huge_int", 2**100000, "<int too large: 100001 bits>", None, counts(big_integers=1)),
    ("floats", [1.5, -0.0, 0.1, 1e300, 5e-324, 1.0, Ratio(2.5)],
     [1.5, -0.0, 0.1, 1e300, 5e-324, 1.0, 2.5], None, counts()),
    ("non_finite", [NAN, INF, -INF], [NAN, INF, -INF], ["NaN", "Infinity", "-Infinity"], counts()),
    ("bool_none", [True, False, None], [True, False, None], None, counts()),
    ("dates", [dt.datetime(2024, 1, 2, 3, 4, 5, 6), dt.date(2024, 1, 2), dt.time(1, 2, 3, 4),
               dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=-3)))],
     ["2024-01-02T03:04:05.000006", "2024-01-02", "01:02:03.000004", "2024-01-02T03:04:05-03:00"],
     None, counts()),
    ("uuid", UUID1, "8d3f5a5e-6b7c-4d8e-9f00-112233445566", None, counts()),
    ("enums", [Color.RED, Color.PAIR, Level.HIGH, Mode.ON, Flag.A | Flag.B],
     ["red", [1, 2], 3, "on", 3], None, counts()),
    ("as_dict", {"sw": WithAsDict(dpid="00:01", n=2, nested=WithAsDict(x=UUID1))},
     {"sw": {"dpid": "00:01", "n": 2, "nested": {"x": "8d3f5a5e-6b7c-4d8e-9f00-112233445566"}}},
     None, counts()),
    ("as_dict_raises", [AsDictRaises(), AsDictRaisesEmpty()],
     ["<as_dict() raised ValueError: bad state>", "<as_dict() raised KeyError>"], None,
     counts(as_dict_errors=2)),
    ("dataclass", Holder(Point(1, 2.5, ["t"]), dt.date(2024, 1, 1)),
     {"point": {"x": 1, "y": 2.5, "tags": ["t"]}, "when": "2024-01-01"}, None, counts()),
    ("dataclass_with_as_dict", DataWithAsDict(), {"from": "as_dict"}, None, counts()),
    ("dataclass_class_is_repr", Point, repr(Point), None, counts(repr_fallbacks=1)),
    ("cycle_list", self_list(), [1, "<cycle>"], None, counts(cycles=1)),
    ("cycle_dict", self_dict(), {"a": 1, "self": "<cycle>", "list": ["<cycle>"]}, None, counts(cycles=2)),
    ("repr_fallback", [Thing(1), decimal.Decimal("1.5"), 1 + 2j],
     ["Thing(1)", "Decimal('1.5')", "(1+2j)"], None, counts(repr_fallbacks=3)),
    ("repr_raises", ReprRaises(), "<repr() raised RuntimeError: no repr>", None, counts(repr_fallbacks=1)),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("content, want_msgpack, want_json, want_counts",
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_content_normalization(fmt, content, want_msgpack, want_json, want_counts):
    envelope, counters = roundtrip(content, fmt)
    want = want_msgpack if fmt == "msgpack" or want_json is None else want_json
    same(want, envelope["content"])
    assert counters == want_counts


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_reference_normalizer_agrees_with_the_table(case):
    """Keeps tests/support/normalize.py honest: it is the oracle of the property test."""
    _, content, want_msgpack, want_json, _ = case
    same(want_msgpack, expected(content, "msgpack"))
    same(want_json if want_json is not None else want_msgpack, expected(content, "json"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_counters_dict_receives_every_counter(fmt):
    counters = {"unrelated": 7}
    event_bridge.encode("n", {1: Thing(2)}, format=fmt, counters=counters)
    assert counters == {"unrelated": 7, **counts(stringified_keys=1, repr_fallbacks=1)}


@pytest.mark.parametrize("fmt", FORMATS)
def test_counters_add_up_over_one_content(fmt):
    content = {1: [self_list(), AsDictRaises(), 2**70, Thing(0)], 2: nested_lists(70)}
    _, counters = roundtrip(content, fmt)
    assert counters == counts(stringified_keys=2, repr_fallbacks=1, cycles=1, depth_exceeded=1,
                              as_dict_errors=1, big_integers=1)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("max_depth", [1, 2, 3, 10, 64])
def test_max_depth_counts_enclosing_containers(fmt, max_depth):
    """N containers around a value are kept when N <= max_depth; one more is replaced."""
    envelope, counters = roundtrip(nested_lists(max_depth), fmt, max_depth=max_depth)
    assert envelope["content"] == nested_lists(max_depth)
    assert counters == counts()
    envelope, counters = roundtrip(nested_lists(max_depth + 1), fmt, max_depth=max_depth)
    assert envelope["content"] == nested_lists(max_depth, ["<max depth exceeded>"])
    assert counters == counts(depth_exceeded=1)


def test_default_max_depth_is_64():
    envelope, counters = roundtrip({"d": nested_lists(63)}, "msgpack")
    assert counters == counts()
    envelope, counters = roundtrip({"d": nested_lists(64)}, "msgpack")
    assert counters == counts(depth_exceeded=1)
    assert envelope["content"] == {"d": nested_lists(63, ["<max depth exceeded>"])}


def test_as_dict_and_enum_count_as_a_level():
    envelope, counters = roundtrip([WithAsDict(a=[1])], "msgpack", max_depth=2)
    assert envelope["content"] == [{"a": "<max depth exceeded>"}]
    assert counters == counts(depth_exceeded=1)


def test_shared_object_twice_is_not_a_cycle():
    shared = {"x": 1}
    envelope, counters = roundtrip({"a": shared, "b": shared, "c": [shared, shared]}, "msgpack")
    assert envelope["content"] == {"a": {"x": 1}, "b": {"x": 1}, "c": [{"x": 1}, {"x": 1}]}
    assert counters == counts()


@pytest.mark.parametrize("fmt", FORMATS)
def test_dict_mutated_by_as_dict_while_walked_stays_decodable(fmt):
    class Clears:
        def __init__(self, owner):
            self.owner = owner

        def as_dict(self):
            self.owner.clear()
            return {"cleared": True}

    class Grows:
        def __init__(self, owner):
            self.owner = owner

        def as_dict(self):
            for i in range(200):
                self.owner[f"new{i}"] = i
            return "grew"

    for mutator, first in ((Clears, {"cleared": True}), (Grows, "grew")):
        content = {"a": 1}
        content["m"] = mutator(content)
        content["z"] = 2
        content["w"] = 3
        envelope, _ = roundtrip(content, fmt)
        got = envelope["content"]
        assert isinstance(got, dict)
        assert got["a"] == 1 and got["m"] == first


@pytest.mark.parametrize("fmt", FORMATS)
def test_list_mutated_by_as_dict_while_walked_stays_decodable(fmt):
    class Clears:
        def __init__(self, owner):
            self.owner = owner

        def as_dict(self):
            self.owner.clear()
            return "cleared"

    items = [1]
    items.append(Clears(items))
    items.extend([3, 4])
    envelope, _ = roundtrip(items, fmt)
    got = envelope["content"]
    assert isinstance(got, list) and got[:2] == [1, "cleared"]


# ---------------------------------------------------------------------------- a real event

class Switch:
    def __init__(self, dpid):
        self.dpid = dpid
        self.id = dpid

    def as_dict(self):
        return {"id": self.id, "name": self.dpid, "dpid": self.dpid, "connection": "127.0.0.1:52022",
                "ofp_version": "0x04", "type": "switch", "manufacturer": "Nicira, Inc.",
                "serial": "None", "hardware": "Open vSwitch", "software": "2.17.9",
                "data_path": "s1", "active": True, "enabled": True, "status": Status.UP,
                "metadata": {}}


class Status(enum.Enum):
    UP = "UP"
    DOWN = "DOWN"


class Interface:
    def __init__(self, switch, port, name):
        self.switch = switch
        self.port_number = port
        self.name = name
        self.id = InterfaceID(f"{switch.dpid}:{port}")

    def as_dict(self):
        return {"id": self.id, "name": self.name, "port_number": self.port_number,
                "mac": "be:9e:1f:44:c2:1b", "switch": self.switch.dpid, "type": "interface",
                "nni": True, "uni": False, "speed": 1250000000.0,
                "metadata": {"vlan_pool": {3799, 1, 2}}, "lldp": True, "active": True,
                "enabled": True, "status": Status.UP, "link": self.link_id}


class Link:
    def __init__(self, endpoint_a, endpoint_b):
        self.endpoint_a = endpoint_a
        self.endpoint_b = endpoint_b
        self.id = "c8b55359990f89a5849813dc348d30e9e1f991bad1dcb7f82112bd35429d3f1f"
        endpoint_a.link_id = endpoint_b.link_id = self.id
        self.created = dt.datetime(2026, 11, 25, 11, 59, 58, 500000, tzinfo=dt.timezone.utc)

    def as_dict(self):
        return {"id": self.id, "endpoint_a": self.endpoint_a, "endpoint_b": self.endpoint_b,
                "metadata": {"last_status_change": 1732535998.5, "notified_up_at": self.created,
                             "ownership": None},
                "active": True, "enabled": True, "status": Status.UP, "status_reason": [],
                "switch_a": self.endpoint_a.switch, "switch_b": self.endpoint_b.switch}


def link_event_content():
    s1, s2 = Switch("00:00:00:00:00:00:00:01"), Switch("00:00:00:00:00:00:00:02")
    link = Link(Interface(s1, 3, "s1-eth3"), Interface(s2, 2, "s2-eth2"))
    return {"link": link, "reason": "link up", "changed": {"status": "UP"}}


def interface_view(dpid, port, name, link_id):
    return {"id": f"{dpid}:{port}", "name": name, "port_number": port, "mac": "be:9e:1f:44:c2:1b",
            "switch": dpid, "type": "interface", "nni": True, "uni": False, "speed": 1250000000.0,
            "metadata": {"vlan_pool": [1, 2, 3799]}, "lldp": True, "active": True, "enabled": True,
            "status": "UP", "link": link_id}


def switch_view(dpid):
    return {"id": dpid, "name": dpid, "dpid": dpid, "connection": "127.0.0.1:52022",
            "ofp_version": "0x04", "type": "switch", "manufacturer": "Nicira, Inc.", "serial": "None",
            "hardware": "Open vSwitch", "software": "2.17.9", "data_path": "s1", "active": True,
            "enabled": True, "status": "UP", "metadata": {}}


@pytest.mark.parametrize("fmt", FORMATS)
def test_kytos_link_event(fmt):
    link_id = "c8b55359990f89a5849813dc348d30e9e1f991bad1dcb7f82112bd35429d3f1f"
    s1, s2 = "00:00:00:00:00:00:00:01", "00:00:00:00:00:00:00:02"
    event_id = uuid.UUID("5a0c2e8e-36f1-4bcb-9d1a-3c4e5f607182")
    when = dt.datetime(2026, 11, 25, 12, 0, 0, 1, tzinfo=dt.timezone.utc)
    counters: dict = {}
    data = event_bridge.encode("kytos/topology.link_up", link_event_content(), format=fmt,
                               id=event_id, timestamp=when, seq=7, source="ctl-1", counters=counters)
    assert 900 <= len(data) <= 2500, len(data)
    envelope = independent(data, fmt)
    assert envelope["id"] == str(event_id)
    assert envelope["timestamp"] == "2026-11-25T12:00:00.000001Z"
    same({
        "link": {
            "id": link_id,
            "endpoint_a": interface_view(s1, 3, "s1-eth3", link_id),
            "endpoint_b": interface_view(s2, 2, "s2-eth2", link_id),
            "metadata": {"last_status_change": 1732535998.5,
                         "notified_up_at": "2026-11-25T11:59:58.500000+00:00", "ownership": None},
            "active": True, "enabled": True, "status": "UP", "status_reason": [],
            "switch_a": switch_view(s1), "switch_b": switch_view(s2),
        },
        "reason": "link up",
        "changed": {"status": "UP"},
    }, envelope["content"])
    assert counters == counts()
    assert event_bridge.decode(data, event_bridge.CONTENT_TYPES[fmt]) == envelope


# ---------------------------------------------------------------------------- property

def _text():
    # Every code point, lone surrogates included.
    return st.text(alphabet=st.characters(blacklist_categories=()), max_size=20)


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.integers(min_value=-(2**256), max_value=2**256)
    | st.floats(allow_nan=True, allow_infinity=True)
    | _text()
    | st.binary(max_size=40)
)
JSON_LIKE = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=6)
    | st.dictionaries(_text(), children, max_size=6)
    | st.tuples(children, children),
    max_leaves=40,
)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_LIKE)
def test_property_random_content_round_trips(content):
    for fmt, target in (("msgpack", "msgpack"), ("json", "json")):
        counters: dict = {}
        data = event_bridge.encode("kytos/prop", content, format=fmt, counters=counters)
        envelope = independent(data, fmt)
        same(expected(content, target), envelope["content"])
        decode_target = "msgpack" if fmt == "msgpack" else "json-decode"
        same(expected(content, decode_target),
             event_bridge.decode(data, event_bridge.CONTENT_TYPES[fmt])["content"], "decode()")
        assert counters["repr_fallbacks"] == counters["cycles"] == counters["as_dict_errors"] == 0


def test_float_bits_survive_msgpack():
    values = [math.pi, -0.0, 2.0**-1074, 1.7976931348623157e308, 1e-310]
    got = unpack(event_bridge.encode("n", values))["content"]
    assert [v.hex() for v in got] == [v.hex() for v in values]
