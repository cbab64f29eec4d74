"""100,000+ realistic Kytos events through the real broker, read back and decoded by msgpack."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from datetime import timezone

import msgpack
import pytest

import event_bridge
from event_bridge import samples
from tests.support.kafka import consume, report

# Enough of the mix that at least this many pass the default deny list.
PASSING = 100_000
DEFAULT_KEY_PATHS = ["evc_id", "link.id", "interface.id", "switch.dpid", "datapath.dpid",
                     "dpid", "interface_a.id", "interface_id", "switch", "*.evc_id"]


def reference_key(content, paths=DEFAULT_KEY_PATHS):
    """The documented key rule, written independently of the native walker."""
    def follow(current, segments):
        if not segments:
            if isinstance(current, str) and current:
                return str.__str__(current)
            if isinstance(current, int) and not isinstance(current, bool):
                return str(int(current))
            return None
        head, rest = segments[0], segments[1:]
        if head == "*":
            if not isinstance(current, dict):
                return None
            for value in current.values():
                found = follow(value, rest)
                if found is not None:
                    return found
            return None
        if isinstance(current, dict):
            current = current.get(head)
        elif current is None or isinstance(current, (str, int)):
            current = None
        else:
            current = getattr(current, head, None)
        return None if current is None else follow(current, rest)

    for path in paths:
        found = follow(content, path.split("."))
        if found is not None:
            return found
    return None


def reference_napp_topic(prefix, name):
    """The documented event-name -> NApp rule (docs/ROUTING.md), for the names Kytos emits."""
    if "/" in name:
        user, rest = name.split("/", 1)
        napp = rest.split(".", 1)[0]
    else:
        parts = name.split(".")
        if parts[0] in ("kytos", "amlight") and len(parts) > 1:
            user, napp = parts[0], parts[1]
        else:
            user, napp = "kytos", parts[0]
    return f"{prefix}{user}.{napp}"


def wire(value):
    """What msgpack decodes for plain(content): integers beyond 64 bits travel as text."""
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [wire(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and not (
            -2**63 <= value < 2**64):
        return str(value)
    return value


def same(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b and type(a) is type(b) or (isinstance(a, (int, float)) and a == b)


def test_realistic_mix_round_trip(bootstrap, run_id):
    events, passing = [], []
    for event in samples.event_mix(10**7, seed=11):
        events.append(event)
        if not samples.is_filtered_by_default(event.name):
            passing.append(event)
            if len(passing) == PASSING:
                break
    sizes = [samples.approx_json_size(e) for e in passing[:2000]]
    assert min(sizes) < 400 and max(sizes) > 8000, "the mix must span ~200 B to ~10 KB"

    verbose = f"{run_id}.events"
    prefix = f"{run_id}.napp."
    bridge = event_bridge.Bridge(
        bootstrap_servers=bootstrap, deny=list(samples.FILTERED_BY_DEFAULT),
        verbose_topic=verbose, napp_topic_prefix=prefix, topic_partitions=4,
        topic_replication_factor=1, source_id="it-controller")

    started = time.perf_counter()
    outcomes = [bridge.publish_event(event) for event in events]
    handed = time.perf_counter()
    left = bridge.flush(180)
    confirmed = time.perf_counter()
    stats = bridge.stats()
    assert bridge.close(10) == 0
    assert left == 0, stats

    assert outcomes.count("filtered") == len(events) - len(passing)
    assert outcomes.count("accepted") + outcomes.count("buffered") == len(passing)
    assert stats["published"] == len(passing)
    assert stats["delivered"] == 2 * len(passing), stats
    assert stats["failed_terminal"] == stats["failed_retriable"] == 0
    assert stats["dropped"] == {"buffer_full": 0, "closed": 0, "after_close": 0}
    report(f"round trip: {len(events)} events offered, {len(passing)} passed the filter and "
           f"were published to 2 topics each: handed over in {handed - started:.2f} s, all "
           f"{stats['delivered']} records confirmed by the broker after "
           f"{confirmed - started:.2f} s = {len(passing) / (confirmed - started):,.0f} events/s "
           f"({len(events) / (confirmed - started):,.0f} offered/s)")

    # The verbose topic: every passing event once, decoded by an independent decoder.
    messages = consume(
        bootstrap, [verbose], len(passing))
    assert len(messages) == len(passing)
    by_seq = {}
    per_partition = defaultdict(list)
    for topic, partition, offset, key, value, headers in messages:
        envelope = msgpack.unpackb(value, raw=False, strict_map_key=False)
        assert list(envelope) == ["version", "id", "name", "timestamp", "seq", "instance",
                                  "source", "content"]
        assert envelope["seq"] not in by_seq, "duplicate"
        by_seq[envelope["seq"]] = (envelope, key, headers, value)
        per_partition[partition].append((offset, envelope["seq"], key))
    assert sorted(by_seq) == list(range(1, len(passing) + 1)), "every seq exactly once"

    instances = {envelope["instance"] for envelope, *_ in by_seq.values()}
    assert instances == {bridge.instance}
    for seq, event in enumerate(passing, start=1):
        envelope, key, headers, value = by_seq[seq]
        assert envelope["name"] == event.name
        assert envelope["id"] == str(event.id)
        assert envelope["timestamp"] == event.timestamp.astimezone(timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ")
        assert envelope["version"] == 1 and envelope["source"] == "it-controller"
        assert headers["name"] == event.name.encode()
        assert headers["content-type"] == b"application/msgpack"
        assert headers["envelope-version"] == b"1"
        expected_key = reference_key(event.content)
        assert (key.decode() if key is not None else None) == expected_key, event.name
        expected = wire(samples.plain(event.content))
        assert same(envelope["content"], expected), (event.name, envelope["content"], expected)
        assert event_bridge.decode(value, headers["content-type"]) == envelope or \
            same(event_bridge.decode(value, headers["content-type"]), envelope)

    # Order per key: within a partition, one key's seqs only increase.
    for partition, rows in per_partition.items():
        last_seq = {}
        for offset, seq, key in sorted(rows):
            if key is not None:
                assert seq > last_seq.get(key, 0), (partition, key)
                last_seq[key] = seq

    # The per-NApp topics: the same bytes, each on the topic the naming rule gives.
    napp_messages = consume(
        bootstrap, [f"^{prefix.replace('.', '[.]')}.*"], len(passing))
    assert len(napp_messages) == len(passing)
    seen = set()
    for topic, partition, offset, key, value, headers in napp_messages:
        envelope = msgpack.unpackb(value, raw=False, strict_map_key=False)
        assert envelope["seq"] not in seen
        seen.add(envelope["seq"])
        assert value == by_seq[envelope["seq"]][3]
        assert topic == reference_napp_topic(prefix, envelope["name"]), envelope["name"]
    assert len(seen) == len(passing)
    napps = {topic for topic, *_ in napp_messages}
    assert len(napps) >= 5, napps

    # The filter: nothing the default deny list names reached any topic.
    assert not any(samples.is_filtered_by_default(e["name"]) for e, *_ in by_seq.values())


@pytest.mark.parametrize("fmt", ["json", "msgpack"])
def test_both_formats_decode_with_standard_decoders(bootstrap, run_id, fmt):
    import json

    bridge = event_bridge.Bridge(bootstrap_servers=bootstrap, format=fmt,
                                 verbose_topic=f"{run_id}.events", napp_topics_enabled=False,
                                 topic_partitions=1, topic_replication_factor=1)
    content = {"nan": float("nan"), "inf": float("inf"), "big": 2**80, "bytes": b"\x00\xff",
               "nested": {"k": [1, "two", None, True]}}
    assert bridge.publish("kytos/test.formats", content) == "accepted"
    assert bridge.close(30) == 0
    (message,) = consume(
        bootstrap, [f"{run_id}.events"], 1)
    value, headers = message[4], message[5]
    assert headers["content-type"] == f"application/{fmt}".encode()
    if fmt == "json":
        envelope = json.loads(value)
        assert envelope["content"] == {"nan": "NaN", "inf": "Infinity", "big": 2**80,
                                       "bytes": "AP8=", "nested": {"k": [1, "two", None, True]}}
    else:
        envelope = msgpack.unpackb(value, raw=False)
        got = envelope["content"]
        assert math.isnan(got.pop("nan"))
        assert got == {"inf": float("inf"), "big": str(2**80), "bytes": b"\x00\xff",
                       "nested": {"k": [1, "two", None, True]}}


def test_topics_created_with_configured_partitions(bootstrap, run_id):
    from confluent_kafka.admin import AdminClient

    bridge = event_bridge.Bridge(bootstrap_servers=bootstrap, verbose_topic=f"{run_id}.events",
                                 napp_topic_prefix=f"{run_id}.napp.", topic_partitions=5,
                                 topic_replication_factor=1,
                                 topic_config={"retention.ms": "3600000"})
    bridge.publish("kytos/topology.link_up", {"link": {"id": "l1"}})
    assert bridge.close(30) == 0
    assert bridge.stats()["topic_create_failures"] == 0
    metadata = AdminClient({"bootstrap.servers": bootstrap}).list_topics(timeout=10)
    for topic in (f"{run_id}.events", f"{run_id}.napp.kytos.topology"):
        assert len(metadata.topics[topic].partitions) == 5, topic


def test_topic_creation_refused_is_counted_and_others_still_flow(bootstrap, run_id):
    # A replication factor the single broker cannot satisfy: the broker refuses.
    bridge = event_bridge.Bridge(bootstrap_servers=bootstrap, verbose_topic=f"{run_id}.events",
                                 napp_topics_enabled=False, topic_replication_factor=3,
                                 routes=[{"pattern": "kytos/topology.*",
                                          "topic": f"{run_id}.topology"}])
    for i in range(10):
        bridge.publish("kytos/topology.link_up", {"link": {"id": f"l{i}"}})
    left = bridge.flush(60)
    stats = bridge.stats()
    bridge.close(5)
    assert stats["topic_create_failures"] == 2, stats
    codes = {e["code"] for e in stats["last_errors"]}
    assert "TOPIC_CREATE_FAILED" in codes, stats["last_errors"]
    assert any("INVALID_REPLICATION_FACTOR" in e["reason"] for e in stats["last_errors"])
    # The broker auto-creates on produce (its default), so records still arrive.
    assert left == 0 and stats["delivered"] == 20, stats


def test_topic_config_refused_by_the_broker_names_the_property(bootstrap, run_id):
    # librdkafka passes topic properties on unchecked; only the broker can refuse this one.
    bridge = event_bridge.Bridge(bootstrap_servers=bootstrap, verbose_topic=f"{run_id}.events",
                                 napp_topics_enabled=False, topic_replication_factor=1,
                                 topic_config={"retention.ms": "3600000",
                                               "retention.msx": "1"})
    bridge.publish("kytos/topology.link_up", {"link": {"id": "l1"}})
    left = bridge.flush(60)
    stats = bridge.stats()
    bridge.close(5)
    assert stats["topic_create_failures"] == 1, stats
    refused = [e for e in stats["last_errors"] if e["code"] == "TOPIC_CREATE_FAILED"]
    assert refused and "INVALID_CONFIG" in refused[0]["reason"], stats["last_errors"]
    assert "retention.msx" in refused[0]["reason"], refused[0]
    assert left == 0 and stats["delivered"] == 1, stats
