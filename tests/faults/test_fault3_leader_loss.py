"""Fault 3: a 3-node KRaft cluster on loopback, topics with replication factor 3 and
min.insync.replicas 2; the partition leader is killed (SIGKILL) mid-stream: no loss, no
duplicates, order per key kept."""

from __future__ import annotations

import threading
import time

import event_bridge
from faultlib import (PacedPublisher, StatsSampler, analyse, log, prepare_topics, read_topics,
                      seconds, summary, topic_metadata, wait_for)

RATE = 10_000           # events/s; three JVMs share this 2-core machine with the publisher
BEFORE_KILL_S = 4.0
AFTER_FAILOVER_S = 4.0  # still flowing once every partition has a new leader


def test_partition_leader_killed_mid_stream(kafka, run_id):
    cluster = kafka(nodes=3)
    verbose = f"{run_id}.events"
    prepare_topics(cluster.bootstrap, [verbose], replication_factor=3,
                   config={"min.insync.replicas": "2"})
    bridge = event_bridge.Bridge(bootstrap_servers=cluster.bootstrap, verbose_topic=verbose,
                                 napp_topics_enabled=False, topic_partitions=3,
                                 topic_replication_factor=3,
                                 topic_config={"min.insync.replicas": "2"}, source_id="fault3",
                                 buffer_max_events=600_000)
    sampler = StatsSampler(bridge)
    publisher = PacedPublisher(bridge.publish, RATE)
    failover = {}
    try:
        sampler.start()
        publisher.start()
        assert wait_for(lambda: bridge.stats()["delivered"] > 0, 60), bridge.stats()
        time.sleep(BEFORE_KILL_S)
        before = topic_metadata(cluster.bootstrap, verbose)
        assert all(len(replicas) == 3 and len(isrs) == 3
                   for _, replicas, isrs in before.values()), before
        victim = before[0][0]  # the leader of partition 0
        led = sorted(p for p, (leader, _, _) in before.items() if leader == victim)
        survivors = ",".join(f"127.0.0.1:{port}" for node, port in
                             zip(range(1, 4), [int(b.split(":")[1]) for b in
                                               cluster.bootstrap.split(",")]) if node != victim)
        killed_at = time.monotonic()
        cluster.kill(victim)

        def watch_leaders():
            # Until every partition the victim led has another leader.
            while time.monotonic() - killed_at < 120:
                try:
                    now = topic_metadata(survivors, verbose, timeout=5)
                except Exception:  # noqa: BLE001 - the cluster is electing
                    time.sleep(0.1)
                    continue
                if all(now[p][0] not in (victim, -1) for p in led):
                    failover["at"] = time.monotonic()
                    failover["leaders"] = {p: now[p][0] for p in now}
                    failover["isrs"] = {p: now[p][2] for p in now}
                    return
                time.sleep(0.1)

        watcher = threading.Thread(target=watch_leaders, daemon=True)
        watcher.start()
        watcher.join(130)
        assert "at" in failover, "no new leader within 120 s"
        time.sleep(AFTER_FAILOVER_S)
        publisher.stop()
        stopped = time.monotonic()
        left = bridge.flush(180)
        time.sleep(0.05)
        sampler.stop()
        stats = bridge.stats()
    finally:
        publisher.stop()
        sampler.stop()
        bridge.close(10)
    assert left == 0, stats

    sent = publisher.sent
    normal = max(sampler.backlog(killed_at - 3, killed_at), 1000)
    peak = sampler.backlog(killed_at, failover["at"] + 5)
    cleared = sampler.backlog_cleared_after(failover["at"], normal)
    records = read_topics(survivors, [verbose])
    result = analyse(records)
    election = failover["at"] - killed_at
    line = summary(
        "fault3 leader loss (3 nodes, RF3, min ISR 2)", published=sent, delivered=result.unique,
        duplicated=result.duplicates, dropped=sum(stats["dropped"].values()),
        recovery=seconds(election),
        extra=f"killed node {victim} leading partitions {led}; new leaders "
              f"{failover['leaders']} ISR {failover['isrs']} {election:.1f} s after the kill; "
              f"{publisher.achieved_rate:,.0f} events/s for {stopped - publisher.started_at:.1f} s; "
              f"backlog peaked at {peak} records (normal <= {normal}), back to normal "
              f"{seconds(cleared)} after the election")
    log(line)
    assert set(publisher.outcomes) <= {"accepted", "buffered"}, publisher.outcomes
    assert stats["published"] == sent and stats["delivered"] == sent, stats
    assert stats["dropped"] == {"buffer_full": 0, "closed": 0, "after_close": 0}, stats
    assert stats["failed_terminal"] == 0 and stats["retried"] == 0, stats
    assert result.duplicates == 0, result.duplicates
    assert result.seqs == {bridge.instance: set(range(1, sent + 1))}, (
        f"missing {sent - len(result.seqs.get(bridge.instance, ()))}")
    assert result.order_violations == [], result.order_violations[:5]
    assert all(len(parts) == 1 for parts in result.key_partitions.values())
    assert cleared is not None, "the backlog never went back to normal"
