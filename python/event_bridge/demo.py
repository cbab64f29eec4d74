"""The demo: replay a realistic controller session through a Bridge and read it back."""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import Optional, TextIO

from event_bridge import samples
from event_bridge.bridge import Bridge
from event_bridge.codec import decode


def _consume_all(bootstrap: str, topics: list, expected: int, timeout: float = 30.0) -> list:
    from confluent_kafka import Consumer

    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"event-bridge-demo-{time.monotonic_ns()}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    consumer.subscribe(topics)
    messages = []
    deadline = time.monotonic() + timeout
    try:
        while len(messages) < expected and time.monotonic() < deadline:
            for message in consumer.consume(num_messages=1000, timeout=0.5):
                if not message.error():
                    messages.append(message)
    finally:
        consumer.close()
    return messages


def run(bootstrap_servers: Optional[str] = None, *, seed: int = 1, switches: int = 6,
        evcs: int = 10, out: TextIO = sys.stdout) -> dict:
    """Replay samples.controller_session() and print a summary; returns the numbers."""
    mock = None
    if bootstrap_servers is None:
        from event_bridge.testing import MockCluster

        mock = MockCluster()
        bootstrap_servers = mock.bootstrap_servers
        where = f"librdkafka's embedded mock cluster at {bootstrap_servers}"
    else:
        where = f"the broker at {bootstrap_servers}"
    events = samples.controller_session(seed=seed, switches=switches, evcs=evcs)
    print(f"event-bridge demo: replaying {len(events)} events of a controller session "
          f"({switches} switches, {evcs} EVCs) to {where}", file=out)
    bridge = Bridge(bootstrap_servers=bootstrap_servers, deny=list(samples.FILTERED_BY_DEFAULT),
                    source_id="demo-controller", create_topics=mock is None,
                    topic_replication_factor=-1, topic_partitions=3)
    outcomes: Counter = Counter()
    started = time.perf_counter()
    step = max(1, len(events) // 10)
    for i, event in enumerate(events, 1):
        outcomes[bridge.publish_event(event)] += 1
        if i % step == 0 or i == len(events):
            print(f"  published {i:>6}/{len(events)}", file=out, flush=True)
    left = bridge.flush(30)
    elapsed = time.perf_counter() - started
    stats = bridge.stats()
    bridge.close(5)

    routes = {name: bridge.route(name)["topics"] for name in {e.name for e in events}}
    topics = sorted({t for ts in routes.values() for t in ts})
    records = _consume_all(bootstrap_servers, topics, stats["delivered"])
    per_topic = Counter(m.topic() for m in records)
    verbose_bytes = [len(m.value()) for m in records if m.topic() == bridge.config.verbose_topic]
    published = len(events) - outcomes["filtered"]
    summary = {
        "events": len(events), "filtered": outcomes["filtered"], "published": published,
        "records_delivered": stats["delivered"], "records_read_back": len(records),
        "undelivered": left, "seconds": elapsed,
        "events_per_second": len(events) / elapsed if elapsed else 0.0,
        "bytes_per_event": sum(verbose_bytes) / len(verbose_bytes) if verbose_bytes else 0.0,
        "per_topic": dict(per_topic),
    }
    print("\nsummary", file=out)
    print(f"  events replayed      {summary['events']}", file=out)
    print(f"  filtered (deny list) {summary['filtered']}", file=out)
    delivered_events = len(verbose_bytes)
    summary["events_delivered"] = delivered_events
    check = "ok" if delivered_events == len(events) - outcomes["filtered"] else "MISMATCH"
    print(f"  published            {summary['published']}", file=out)
    print(f"  events delivered     {delivered_events} on the verbose topic "
          f"(= replayed - filtered: {check})", file=out)
    print(f"  records delivered    {summary['records_delivered']} (verbose + per-NApp topics), "
          f"read back {summary['records_read_back']}, undelivered {left}", file=out)
    print(f"  bytes per event      {summary['bytes_per_event']:.0f} (MessagePack envelope)", file=out)
    print(f"  events per second    {summary['events_per_second']:,.0f} "
          f"(replay + delivery, {elapsed:.2f} s)", file=out)
    print("  records per topic", file=out)
    for topic, count in sorted(per_topic.items()):
        print(f"    {topic:<45} {count}", file=out)
    print("\na few decoded messages", file=out)
    shown = set()
    for message in records:
        headers = dict(message.headers() or [])
        if message.topic() != bridge.config.verbose_topic or headers.get("name") in shown:
            continue
        shown.add(headers.get("name"))
        envelope = decode(message.value(), headers.get("content-type"))
        content = repr(envelope["content"])
        print(f"  seq {envelope['seq']:>5} {envelope['name']} key={message.key()!r}\n"
              f"            {content[:150]}{'...' if len(content) > 150 else ''}", file=out)
        if len(shown) == 4:
            break
    if mock is not None:
        mock.close()
    return summary
