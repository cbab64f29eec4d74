"""Fault 1: the broker is down when the bridge starts and comes up later; every event
published in between is delivered once it is up (the buffer is big enough)."""

from __future__ import annotations

import os
import signal
import time

import pytest

import event_bridge
from faultlib import (HOME, PacedPublisher, StatsSampler, analyse, log, prepare_topics,
                      read_topics, seconds, summary, topic_metadata, wait_for)

# Issue 4 asks for 30 s of outage. Publishing runs OUTAGE_S seconds before the start
# command is given; the broker then needs ~5-11 s more to become ready (and the client
# its reconnect backoff), during which events keep flowing, so the outage the bridge
# sees is OUTAGE_S + start-up: ~30 s with the default.
OUTAGE_S = float(os.environ.get("EVENT_BRIDGE_FAULT1_OUTAGE", "22"))
RATE = 2000  # events/s; 2 records each (verbose + NApp topic)


def test_broker_down_at_start_everything_delivered_once_up(kafka, run_id):
    # The topics exist from an earlier broker session (see faultlib.prepare_topics): this
    # test is about the outage; creating topics when the broker comes up is the subject of
    # test_topics_are_created_as_configured_after_a_long_outage_at_start.
    cluster = kafka(nodes=1)
    verbose, prefix = f"{run_id}.events", f"{run_id}.napp."
    prepare_topics(cluster.bootstrap, [verbose, f"{prefix}kytos.topology"])
    cluster.stop()  # down when the bridge starts
    bridge = event_bridge.Bridge(bootstrap_servers=cluster.bootstrap, verbose_topic=verbose,
                                 napp_topic_prefix=prefix, topic_partitions=3,
                                 topic_replication_factor=1, source_id="fault1")
    sampler = StatsSampler(bridge)
    publisher = PacedPublisher(bridge.publish, RATE)
    try:
        bridge_started = time.monotonic()
        sampler.start()
        publisher.start()
        time.sleep(OUTAGE_S)
        during = bridge.stats()
        assert during["connection"] == "down", during
        assert during["delivered"] == 0 and during["dropped"]["buffer_full"] == 0, during
        cluster.start()  # events keep flowing while it starts
        ready = time.monotonic()
        time.sleep(2)
        publisher.stop()
        assert bridge.flush(120) == 0, bridge.stats()
        all_delivered = time.monotonic() - ready
        sampler.stop()
        stats = bridge.stats()
    finally:
        publisher.stop()
        sampler.stop()
        bridge.close(10)

    sent = publisher.sent
    assert publisher.outcomes["buffered"] > 0.9 * (OUTAGE_S * RATE), publisher.outcomes
    assert set(publisher.outcomes) <= {"accepted", "buffered"}, publisher.outcomes
    assert stats["published"] == sent and stats["last_seq"] == sent
    assert stats["delivered"] == 2 * sent, stats
    assert stats["dropped"] == {"buffer_full": 0, "closed": 0, "after_close": 0}
    assert stats["failed_terminal"] == 0, stats
    # Not asserted here: topic_create_failures == 0. It is 1 in some runs (a creation
    # attempt in flight when the broker comes up times out): the bug that
    # test_topics_are_created_as_configured_after_a_long_outage_at_start shows every time.
    assert stats["gap_records"] == 0

    recovery = sampler.first_delivery_after(ready)
    first_delivery = sampler.first_delivery_after(bridge_started)
    records = read_topics(cluster.bootstrap, [verbose])
    result = analyse(records)
    napp = analyse(read_topics(cluster.bootstrap, [f"{prefix}kytos.topology"]))
    line = summary(
        "fault1 broker down at start", published=sent, delivered=result.unique,
        duplicated=result.duplicates, dropped=sum(stats["dropped"].values()),
        recovery=seconds(recovery),
        extra=f"outage {seconds(first_delivery)} from bridge start to first delivery, "
              f"{publisher.outcomes['buffered']} published while down, all delivered "
              f"{seconds(all_delivered)} after the broker was ready (publishing went on 2 s)")
    log(line)
    assert result.gap_records == []
    assert result.duplicates == 0 and napp.duplicates == 0
    assert result.seqs == {bridge.instance: set(range(1, sent + 1))}, "every seq exactly once"
    assert napp.seqs == {bridge.instance: set(range(1, sent + 1))}
    assert result.order_violations == [] and napp.order_violations == []


def active_controller():
    """The node that last became the active KRaft controller, from the nodes' logs."""
    latest, node = "", None
    for n in (1, 2, 3):
        text = (HOME / f"node{n}" / "server.log").read_text(errors="replace")
        for line in text.splitlines():
            if f"[QuorumController id={n}] Becoming the active controller" in line:
                if line[1:24] > latest:
                    latest, node = line[1:24], n
    return node


def test_topics_are_created_as_configured_after_a_long_outage_at_start(kafka, run_id):
    """Deterministic: a 3-node cluster frozen with SIGSTOP while the bridge starts (down,
    creation attempts time out every ~5 s); after 19 s one broker that is not the active
    controller resumes alone: it answers
    metadata (the connection is up) but without a quorum no topic can be created, so the
    next creation attempt fails, retriably; 8 s later the other two resume and creation can
    succeed. A bridge that gives creation its 3 attempts while the broker is up creates
    the topic as configured."""
    cluster = kafka(nodes=3)
    # Every broker registered and serving metadata before the freeze.
    prepare_topics(cluster.bootstrap, [f"{run_id}.settle"], partitions=3, replication_factor=3)
    pids = {n: int((HOME / f"node{n}" / "pid").read_text()) for n in (1, 2, 3)}
    # The node resumed first must not be the active KRaft controller: resumed alone without
    # a quorum, the controller resigns and fences the brokers, its own included, and then
    # answers no metadata. Any other node keeps serving metadata from its cache.
    controller = active_controller()
    first = next(n for n in (1, 2, 3) if n != controller)
    others = [n for n in (1, 2, 3) if n != first]
    verbose = f"{run_id}.events"
    for pid in pids.values():
        os.kill(pid, signal.SIGSTOP)
    try:
        bridge = event_bridge.Bridge(
            bootstrap_servers=cluster.bootstrap.split(",")[first - 1], verbose_topic=verbose,
            napp_topics_enabled=False, topic_partitions=3, topic_replication_factor=3,
            topic_config={"min.insync.replicas": "2"}, source_id="fault1-create")
        try:
            for i in range(10):
                bridge.publish("kytos/topology.link_up", {"link": {"id": f"link-{i}"}})
            time.sleep(19)  # >= 3 creation attempts time out while nothing answers
            assert bridge.stats()["connection"] == "down"
            os.kill(pids[first], signal.SIGCONT)
            # The node answers within a second or two of SIGCONT; on a loaded machine the JVM
            # can take longer to resume. stats() itself must never be what is slow.
            slowest = [0.0]

            def connected():
                started = time.monotonic()
                state = bridge.stats()["connection"]
                slowest[0] = max(slowest[0], time.monotonic() - started)
                return state == "up"

            up = wait_for(connected, 30)
            assert slowest[0] < 1.0, f"bridge.stats() took {slowest[0]:.2f} s"
            assert up, bridge.stats()
            time.sleep(8)   # no quorum yet: creation cannot succeed in this time
            for n in others:
                os.kill(pids[n], signal.SIGCONT)
            left = bridge.flush(90)
            stats = bridge.stats()
        finally:
            bridge.close(10)
    finally:
        for pid in pids.values():
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
    partitions = topic_metadata(cluster.bootstrap, verbose)
    log(f"after a long outage at start: topic_create_failures={stats['topic_create_failures']}, "
        f"{len(partitions)} partitions, errors {[(e['code'], e['reason']) for e in stats['last_errors']]}")
    assert left == 0, stats
    assert stats["topic_create_failures"] == 0, stats["last_errors"]
    assert len(partitions) == 3, partitions
