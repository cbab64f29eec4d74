"""The demo: replay a realistic controller session through a Bridge and read it back."""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import Optional, TextIO

from event_bridge import samples
from event_bridge.codec import decode


def _consume_all(bootstrap: str, topics: list, expected: int, instance: str,
                 timeout: float = 30.0) -> list:
    """This run's records (its bridge instance's) from the topics, read from the start.

    A broker used before holds older records on the same topics: they are read past,
    not counted.
    """
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
                if message.error():
                    continue
                headers = dict(message.headers() or [])
                try:
                    envelope = decode(message.value(), headers.get("content-type"))
                except ValueError:
                    continue  # not an envelope: another producer's record
                if envelope.get("instance") == instance:
                    messages.append(message)
    finally:
        consumer.close()
    return messages


def run(bootstrap_servers: Optional[str] = None, *, seed: int = 1, switches: int = 6,
        evcs: int = 10, out: TextIO = sys.stdout) -> dict:
    """Replay samples.controller_session() through the real NApp and print a summary."""
    from event_bridge.replay import ReplayHost

    mock = None
    if bootstrap_servers is None:
        from event_bridge.testing import MockCluster

        mock = MockCluster()
        bootstrap_servers = mock.bootstrap_servers
        where = f"librdkafka's embedded mock cluster at {bootstrap_servers}"
    else:
        where = f"the broker at {bootstrap_servers}"
    events = samples.controller_session(seed=seed, switches=switches, evcs=evcs)
    print(f"event-bridge demo: the kytos/event_bridge NApp receives {len(events)} events of a "
          f"controller session ({switches} switches, {evcs} EVCs) and publishes to {where}",
          file=out)
    # The NApp's own settings.py, with the broker and a source id for the demo. The mock
    # cluster has no CreateTopics: it creates topics on first use.
    host = ReplayHost(settings={"BOOTSTRAP_SERVERS": bootstrap_servers,
                                "SOURCE_ID": "demo-controller",
                                "CREATE_TOPICS": mock is None})
    napp = host.napp
    bridge = napp._bridge
    if bridge is None:
        print(f"the NApp is disabled: {napp._reason}", file=out)
        host.stop()
        return {"events": len(events), "filtered": 0, "events_delivered": -1,
                "undelivered": -1, "records_read_back": 0, "records_delivered": -1}
    step = max(1, len(events) // 10)

    def progress(done: int) -> None:
        if done % step == 0 or done == len(events):
            print(f"  dispatched {done:>6}/{len(events)}", file=out, flush=True)

    started = time.perf_counter()
    host.dispatch(events, progress)
    routes = {name: bridge.route(name)["topics"] for name in {e.name for e in events}}
    host.stop()  # the NApp's shutdown(): flush, close, log what was delivered
    elapsed = time.perf_counter() - started
    stats = napp._stats()  # the closed bridge's counters
    left = stats["buffered_events"] + stats["in_flight"] + stats["dropped"]["closed"]

    topics = sorted({t for ts in routes.values() for t in ts})
    records = _consume_all(bootstrap_servers, topics, stats["delivered"], stats["instance"])
    per_topic = Counter(m.topic() for m in records)
    verbose = napp._config.verbose_topic
    verbose_bytes = [len(m.value()) for m in records if m.topic() == verbose]
    summary = {
        "events": len(events), "received": stats["received"], "filtered": stats["filtered"],
        "published": stats["published"], "records_delivered": stats["delivered"],
        "records_read_back": len(records), "events_delivered": len(verbose_bytes),
        "undelivered": left, "seconds": elapsed,
        "events_per_second": len(events) / elapsed if elapsed else 0.0,
        "bytes_per_event": sum(verbose_bytes) / len(verbose_bytes) if verbose_bytes else 0.0,
        "per_topic": dict(per_topic),
    }
    check = "ok" if summary["events_delivered"] == len(events) - stats["filtered"] else "MISMATCH"
    print("\nsummary", file=out)
    print(f"  events dispatched    {len(events)} (received by the NApp: {stats['received']})",
          file=out)
    print(f"  filtered (deny list) {stats['filtered']}", file=out)
    print(f"  published            {stats['published']}", file=out)
    print(f"  events delivered     {summary['events_delivered']} on the verbose topic "
          f"(= dispatched - filtered: {check})", file=out)
    print(f"  records delivered    {stats['delivered']} (verbose + per-NApp topics), "
          f"read back {len(records)}, undelivered {left}", file=out)
    print(f"  bytes per event      {summary['bytes_per_event']:.0f} (MessagePack envelope)", file=out)
    print(f"  events per second    {summary['events_per_second']:,.0f} "
          f"(dispatch + delivery + shutdown, {elapsed:.2f} s)", file=out)
    print("  records per topic", file=out)
    for topic, count in sorted(per_topic.items()):
        print(f"    {topic:<45} {count}", file=out)
    print("\na few decoded messages", file=out)
    wanted = ("kytos/topology.link_down", "kytos/mef_eline.failover_deployed",
              "kytos/of_lldp.liveness.up", "topology.interruption.start")
    shown = set()
    for message in records:
        headers = dict(message.headers() or [])
        name = (headers.get("name") or b"").decode()
        if message.topic() != verbose or name not in wanted or name in shown:
            continue
        shown.add(name)
        envelope = decode(message.value(), headers.get("content-type"))
        content = repr(envelope["content"])
        print(f"  seq {envelope['seq']:>5} {envelope['name']} key={message.key()!r}\n"
              f"            {content[:150]}{'...' if len(content) > 150 else ''}", file=out)
    if mock is not None:
        mock.close()
    return summary
