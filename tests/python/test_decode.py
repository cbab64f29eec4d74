"""event_bridge.decode(): both formats, content types, and DecodeError messages that say what is wrong."""

from __future__ import annotations

import json
import uuid

import msgpack
import pytest

import event_bridge
from bridge_support import unpack
from event_bridge import DecodeError

EVENT_ID = uuid.UUID("9f0e8d7c-6b5a-4948-b7a6-958473625140")
CONTENT = {"link": {"id": "L-1", "up": True, "speed": 1.5e9, "ports": [1, 2]}, "raw": b"\x00\x01",
           "none": None, "neg": -5, "u64": 2**64 - 1}


def sample(fmt="msgpack", content=CONTENT):
    return event_bridge.encode("kytos/topology.link_up", content, format=fmt, id=EVENT_ID,
                               timestamp=1700000000.25, seq=3, source="ctl")


def want_envelope(fmt):
    content = dict(CONTENT, raw=b"\x00\x01" if fmt == "msgpack" else "AAE=")
    return {"version": 1, "id": str(EVENT_ID), "name": "kytos/topology.link_up",
            "timestamp": "2023-11-14T22:13:20.250000Z", "seq": 3,
            "instance": "00000000-0000-0000-0000-000000000000", "source": "ctl", "content": content}


@pytest.mark.parametrize("fmt, content_type", [
    ("msgpack", "application/msgpack"), ("msgpack", b"application/msgpack"),
    ("msgpack", "application/x-msgpack"), ("msgpack", "msgpack"), ("msgpack", " Application/MsgPack "),
    ("msgpack", None),
    ("json", "application/json"), ("json", b"application/json"), ("json", "json"),
    ("json", "APPLICATION/JSON"), ("json", None),
])
def test_decode_both_formats(fmt, content_type):
    data = sample(fmt)
    got = event_bridge.decode(data, content_type)
    assert got == want_envelope(fmt)
    assert list(got) == list(want_envelope(fmt))
    independent = unpack(data) if fmt == "msgpack" else json.loads(data)
    assert got == independent


@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview])
def test_decode_accepts_bytes_like(wrap):
    assert event_bridge.decode(wrap(sample()))["seq"] == 3


def test_content_types_table():
    assert event_bridge.CONTENT_TYPES == {"msgpack": "application/msgpack", "json": "application/json"}


def test_json_with_leading_space_is_detected():
    assert event_bridge.decode(b" " + sample("json"))["seq"] == 3


@pytest.mark.parametrize("space", [b"\n", b"\t", b"\r\n"])
def test_json_with_leading_whitespace_is_detected(space):
    assert event_bridge.decode(space + sample("json"))["seq"] == 3


def test_unknown_content_type():
    with pytest.raises(DecodeError) as info:
        event_bridge.decode(sample(), "text/plain")
    assert str(info.value) == "content_type: unknown value 'text/plain' (application/msgpack, application/json)"
    with pytest.raises(DecodeError):
        event_bridge.decode(sample(), b"application/xml")


@pytest.mark.parametrize("data, content_type, message", [
    (b"", None, "msgpack: truncated input (0 bytes)"),
    (b"", "json", "json: parse error at offset 0: The document is empty."),
    (b"\xc1\xc1", None, "msgpack: malformed input (2 bytes)"),
    (b"{nope", "json", "json: parse error at offset 1: Missing a name for object member."),
    (b'{"a":"\xff"}', "json", "json: parse error at offset 6: Invalid encoding in string."),
    (b"\x81\x01\x02", "msgpack", "msgpack: map key is int, not str"),
    (msgpack.packb(msgpack.ExtType(5, b"x")), "msgpack", "msgpack: ext type 5 is not supported"),
    (b"\xdd\xff\xff\xff\xff", "msgpack",
     "msgpack: array header claims more elements than the 5-byte input holds"),
    (b"\xdf\xff\xff\xff\xff", "msgpack",
     "msgpack: map header claims more entries than the 5-byte input holds"),
    (b"[" * 1100 + b"]" * 1100, "json", "json: nesting deeper than max_depth 1008 at offset 1009"),
    (b"\x91" * 1100 + b"\xc0", "msgpack", "msgpack: nesting deeper than max_depth 1008"),
    (b"1e999", "json", "json: parse error at offset 0: Number too big to be stored in double."),
])
def test_garbage_is_a_decode_error_saying_why(data, content_type, message):
    with pytest.raises(DecodeError) as info:
        event_bridge.decode(data, content_type, envelope=False)
    assert isinstance(info.value, ValueError)
    assert str(info.value) == message


@pytest.mark.parametrize("fmt", ["msgpack", "json"])
def test_truncated_message(fmt):
    data = sample(fmt)
    if fmt == "msgpack":
        with pytest.raises(DecodeError) as info:
            event_bridge.decode(data[:1], fmt)  # the 8-entry map header alone
        assert str(info.value) == "msgpack: map header claims more entries than the 1-byte input holds"
    for cut in (10, 16, len(data) // 2, len(data) - 1):
        with pytest.raises(DecodeError) as info:
            event_bridge.decode(data[:cut], fmt)
        if fmt == "msgpack":
            # Short enough that the 8-entry header cannot fit is reported as such.
            assert str(info.value) in (
                f"msgpack: truncated input ({cut} bytes)",
                f"msgpack: map header claims more entries than the {cut}-byte input holds")
        else:
            assert str(info.value).startswith("json: parse error at offset ")
    if fmt == "msgpack":
        with pytest.raises(DecodeError) as info:
            event_bridge.decode(data[:-1], fmt)
        assert str(info.value) == f"msgpack: truncated input ({len(data) - 1} bytes)"


@pytest.mark.parametrize("fmt, tail, message", [
    ("msgpack", b"\x00", "msgpack: trailing bytes at offset {n}"),
    ("json", b" x", "json: trailing bytes at offset {n1}"),
    ("json", b"{}", "json: trailing bytes at offset {n}"),
])
def test_trailing_bytes(fmt, tail, message):
    data = sample(fmt)
    with pytest.raises(DecodeError) as info:
        event_bridge.decode(data + tail, fmt)
    assert str(info.value) == message.format(n=len(data), n1=len(data) + 1)
    if fmt == "json":
        assert event_bridge.decode(data + b" \n\t\r", "json")["seq"] == 3


FIELDS = ["version", "id", "name", "timestamp", "seq", "instance", "source", "content"]


@pytest.mark.parametrize("fmt", ["msgpack", "json"])
@pytest.mark.parametrize("field", FIELDS)
def test_envelope_missing_a_field(fmt, field):
    envelope = want_envelope("json")
    del envelope[field]
    data = msgpack.packb(envelope) if fmt == "msgpack" else json.dumps(envelope).encode()
    with pytest.raises(DecodeError) as info:
        event_bridge.decode(data, fmt)
    assert str(info.value) == f"envelope.{field}: missing"
    assert event_bridge.decode(data, fmt, envelope=False) == envelope


@pytest.mark.parametrize("field, value, message", [
    ("version", 2, "envelope.version: must be the integer 1"),
    ("version", "1", "envelope.version: must be the integer 1"),
    ("id", "9F0E8D7C-6B5A-4948-B7A6-958473625140", "envelope.id: must be a lower-case canonical UUID string"),
    ("id", 5, "envelope.id: must be a lower-case canonical UUID string"),
    ("name", None, "envelope.name: must be a string"),
    ("timestamp", "2023-11-14T22:13:20Z",
     "envelope.timestamp: must be a UTC timestamp string like 2026-11-25T12:00:00.123456Z"),
    ("seq", 0, "envelope.seq: must be an integer >= 1"),
    ("seq", -1, "envelope.seq: must be an integer >= 1"),
    ("instance", "", "envelope.instance: must be a lower-case canonical UUID string"),
    ("source", 7, "envelope.source: must be a string"),
])
def test_envelope_with_a_mistyped_field(field, value, message):
    envelope = want_envelope("json")
    envelope[field] = value
    for data, fmt in ((msgpack.packb(envelope), "msgpack"), (json.dumps(envelope).encode(), "json")):
        with pytest.raises(DecodeError) as info:
            event_bridge.decode(data, fmt)
        assert str(info.value) == message


def test_envelope_extra_or_duplicate_field():
    envelope = dict(want_envelope("msgpack"), extra=1)
    with pytest.raises(DecodeError) as info:
        event_bridge.decode(msgpack.packb(envelope))
    assert str(info.value) == "envelope.extra: unexpected field"
    data = json.dumps(dict(want_envelope("json"))).encode()
    duplicated = data[:-1] + b',"seq":4}'
    with pytest.raises(DecodeError) as info:
        event_bridge.decode(duplicated, "json")
    assert str(info.value) == "envelope.seq: duplicate field"


@pytest.mark.parametrize("value", [[1, 2], 5, "text", None, 1.5, {"any": "map"}, [], {}])
def test_envelope_false_accepts_any_value(value):
    for data, fmt in ((msgpack.packb(value), "msgpack"), (json.dumps(value).encode(), "json")):
        assert event_bridge.decode(data, fmt, envelope=False) == value
        if not isinstance(value, dict):
            with pytest.raises(DecodeError) as info:
                event_bridge.decode(data, fmt)
            assert str(info.value) == "envelope: not a map"


def test_msgpack_value_types():
    value = {"i": -(2**63), "u": 2**64 - 1, "f32": 1.5, "bin": b"\x00", "s": "ü", "nested": [[{}]],
             "t": True}
    data = msgpack.packb(value, use_single_float=True)
    assert event_bridge.decode(data, "msgpack", envelope=False) == value


def test_undecodable_utf8_in_msgpack_values_is_kept_visible():
    # A foreign producer's str with invalid UTF-8: surrogate-escaped, not an error.
    assert event_bridge.decode(b"\x81\xa1a\xa2\xffz", "msgpack", envelope=False) == {"a": "\udcffz"}


def test_undecodable_utf8_in_msgpack_keys():
    data = b"\x81\xa1\xff\x01"
    try:
        got = event_bridge.decode(data, "msgpack", envelope=False)
    except DecodeError:
        return
    assert got == {"\udcff": 1}


def test_json_big_integers_come_back_as_digits():
    got = event_bridge.decode(sample("json", content={"big": 2**70, "neg": -(2**70)}), "json")
    assert got["content"] == {"big": str(2**70), "neg": str(-(2**70))}
    got = event_bridge.decode(sample("msgpack", content={"big": 2**70}))
    assert got["content"] == {"big": str(2**70)}


def test_json_integers_beyond_300_digits_travel_as_strings():
    # Documented: RapidJSON and most JSON parsers refuse literals past ~1e308.
    data = sample("json", content={"n": 10**400, "m": 10**299})
    assert json.loads(data)["content"] == {"n": str(10**400), "m": 10**299}
    assert event_bridge.decode(data, "json")["content"] == {"n": str(10**400), "m": str(10**299)}


@pytest.mark.parametrize("fmt", ["msgpack", "json"])
def test_what_encode_writes_decode_reads_at_any_allowed_depth(fmt):
    value = 1
    for _ in range(600):
        value = [value]
    data = event_bridge.encode("n", value, format=fmt, max_depth=600)
    (unpack(data) if fmt == "msgpack" else json.loads(data))
    event_bridge.decode(data, fmt)


def test_decode_is_the_inverse_of_encode_for_the_documented_defaults():
    value = 1
    for _ in range(64):
        value = [value]
    for fmt in ("msgpack", "json"):
        data = event_bridge.encode("n", value, format=fmt)
        assert event_bridge.decode(data, fmt)["content"] == value
