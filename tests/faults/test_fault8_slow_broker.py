"""Fault 8: a slow broker (responses delayed) that also refuses produce requests with
retriable errors, on librdkafka's mock cluster (a real broker cannot do this on demand).
The event loop is never blocked: the handler's cost, publish() per event on the loop,
stays flat while the broker is slow; and nothing is lost or duplicated."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

import event_bridge
from event_bridge.testing import MockCluster
from faultlib import log, median, percentile, read_topics, summary

REQUEST_TIMED_OUT = 7     # retriable Kafka error code
NOT_ENOUGH_REPLICAS = 19  # retriable too
NOT_LEADER_FOR_PARTITION = 6
RTT_MS = 500
EVENTS_PER_PHASE = 20_000
RATE = 20_000             # events/s, as Kytos would hand them over
# Median cost may grow at most 2x, with an absolute floor for this noisy 2-core machine.
FLOOR_NS = 50_000


async def handler_costs(bridge, first: int, count: int) -> tuple:
    """Publishes `count` events the way the NApp's on_event does, on an asyncio loop, paced
    at RATE; returns the per-event publish() times (ns) and the largest loop lag (s)."""
    costs = []
    lag = [0.0]
    stop = asyncio.Event()

    async def heartbeat():
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            lag[0] = max(lag[0], time.perf_counter() - before - 0.001)

    beat = asyncio.ensure_future(heartbeat())
    publish = bridge.publish
    started = time.perf_counter()
    for i in range(first, first + count):
        content = {"link": {"id": f"link-{i % 64}", "status": "UP"}, "n": i}
        t0 = time.perf_counter_ns()
        outcome = publish("kytos/topology.link_up", content)
        costs.append(time.perf_counter_ns() - t0)
        assert outcome in ("accepted", "buffered"), outcome
        if i % 100 == 99:  # yield to the loop every 100 events, paced at RATE
            due = started + (i - first + 1) / RATE
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
    stop.set()
    await beat
    return costs, lag[0]


def test_slow_and_refusing_broker_does_not_slow_the_handler():
    with MockCluster(brokers=1) as cluster:
        topic = f"f8.{uuid.uuid4().hex[:10]}"
        cluster.create_topic(topic, partitions=3, replication_factor=1)
        bridge = event_bridge.Bridge(bootstrap_servers=cluster.bootstrap_servers,
                                     create_topics=False, verbose_topic=topic,
                                     napp_topics_enabled=False, source_id="fault8")
        try:
            # Warm up (connection, PID, metadata, caches), then the baseline.
            for i in range(2000):
                bridge.publish("kytos/topology.link_up", {"link": {"id": "warm"}, "n": -1})
            assert bridge.flush(30) == 0
            base, base_lag = asyncio.run(handler_costs(bridge, 0, EVENTS_PER_PHASE))
            assert bridge.flush(30) == 0

            # Slow: every response 500 ms late, and the next produce requests refused.
            cluster.set_broker_rtt(1, RTT_MS)
            cluster.push_request_errors(MockCluster.PRODUCE, *([REQUEST_TIMED_OUT] * 10 +
                                                              [NOT_ENOUGH_REPLICAS] * 10))
            slow_started = time.monotonic()
            slow, slow_lag = asyncio.run(handler_costs(bridge, EVENTS_PER_PHASE,
                                                       EVENTS_PER_PHASE))
            during = bridge.stats()
            left = bridge.flush(120)
            drained = time.monotonic() - slow_started
            cluster.set_broker_rtt(1, 0)
            stats = bridge.stats()
        finally:
            bridge.close(10)
        values = [r.envelope for r in read_topics(cluster.bootstrap_servers, [topic])]

    seqs = [v["seq"] for v in values]
    published = 2000 + 2 * EVENTS_PER_PHASE
    base_median, slow_median = median(base), median(slow)
    line = summary(
        "fault8 slow+refusing broker (mock)", published=published, delivered=len(set(seqs)),
        duplicated=len(seqs) - len(set(seqs)), dropped=sum(stats["dropped"].values()),
        recovery="n/a",
        extra=f"publish() median {base_median / 1000:.2f} us -> {slow_median / 1000:.2f} us, "
              f"p99 {percentile(base, 0.99) / 1000:.1f} -> {percentile(slow, 0.99) / 1000:.1f} us, "
              f"max {max(base) / 1e6:.2f} -> {max(slow) / 1e6:.2f} ms; loop lag max "
              f"{base_lag * 1000:.1f} -> {slow_lag * 1000:.1f} ms; RTT {RTT_MS} ms + 20 "
              f"refusals; in flight during the slow phase {during['in_flight']}, all delivered "
              f"{drained:.1f} s after it began")
    log(line)
    # The handler's cost stays flat while the broker is slow.
    assert slow_median <= max(2 * base_median, FLOOR_NS), (base_median, slow_median)
    # The broker really was slow: records were waiting on it after the phase.
    assert during["in_flight"] + during["buffered_events"] > 0, during
    # librdkafka retried the refusals itself: nothing lost, nothing twice, nothing failed.
    assert left == 0, stats
    assert stats["delivered"] == published, stats
    assert stats["failed_terminal"] == stats["failed_retriable"] == 0, stats
    assert sorted(seqs) == list(range(1, published + 1))


def test_a_batch_the_broker_refused_is_never_reported_delivered():
    """A record the broker refused (NOT_LEADER_FOR_PARTITION) must not be reported
    delivered because a later batch to the same partition succeeded. With librdkafka's
    default of 5 requests in flight its idempotent producer does exactly that ("implicit
    ack", rd_kafka_dr_implicit_ack; also seen on the real broker for the first record to
    a just-created topic), which is why kafka_defaults() sets
    max.in.flight.requests.per.connection=1. Deterministic on the mock: responses are
    slowed so that the next batch would be pipelined behind the refused one."""
    with MockCluster(brokers=1) as cluster:
        topic = f"f8.{uuid.uuid4().hex[:10]}"
        cluster.create_topic(topic, partitions=1, replication_factor=1)
        bridge = event_bridge.Bridge(bootstrap_servers=cluster.bootstrap_servers,
                                     create_topics=False, verbose_topic=topic,
                                     napp_topics_enabled=False, source_id="fault8-implicit")
        try:
            bridge.publish("kytos/topology.link_up", {"n": 0})  # connection, PID, metadata
            assert bridge.flush(30) == 0
            cluster.set_broker_rtt(1, 300)
            cluster.push_request_errors(MockCluster.PRODUCE, NOT_LEADER_FOR_PARTITION)
            bridge.publish("kytos/topology.link_up", {"n": 1})  # alone in the refused batch
            time.sleep(0.05)
            for i in range(2, 202):                              # the next batch, pipelined
                bridge.publish("kytos/topology.link_up", {"n": i})
            left = bridge.flush(60)
            stats = bridge.stats()
        finally:
            bridge.close(10)
        values = [r.envelope for r in read_topics(cluster.bootstrap_servers, [topic])]
    seqs = sorted(v["seq"] for v in values)
    missing = sorted(set(range(1, 203)) - set(seqs))
    log(f"refused batch: delivered per stats {stats['delivered']}, on the topic {len(seqs)}, "
        f"missing seqs {missing}")
    assert left == 0 and stats["failed_terminal"] == 0
    # What the bridge reports as delivered is on the topic.
    assert stats["delivered"] == len(seqs), (stats["delivered"], len(seqs), missing)
    assert missing == []
