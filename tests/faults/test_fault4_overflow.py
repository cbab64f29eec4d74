"""Fault 4: an outage longer than the buffer can hold. Exactly the events the overflow
policy drops are missing, each counted; consumers see the loss in-band: the seq has a gap
and, when the broker is back, one gap record (from_seq, to_seq, count, reason) on the
verbose topic says which."""

from __future__ import annotations

import time

import pytest

import event_bridge
from faultlib import (GAP_NAME, PacedPublisher, analyse, log, prepare_topics, read_topics,
                      seconds, summary, wait_for)

BUFFER_EVENTS = 2000      # the bridge's front buffer
QUEUE_RECORDS = 1000      # librdkafka's queue (queue.buffering.max.messages): 500 events
OUTAGE_EVENTS = 10_000    # published while the broker is down: far more than both hold
BATCH = 512               # the service thread's batch (bridge.cpp kBatchEvents)
BEFORE = AFTER = 500


def make_bridge(cluster, run_id, tag, policy, queue_records=QUEUE_RECORDS):
    prepare_topics(cluster.bootstrap, [f"{run_id}.{tag}.events",
                                       f"{run_id}.{tag}.napp.kytos.topology"])
    return event_bridge.Bridge(
        bootstrap_servers=cluster.bootstrap, verbose_topic=f"{run_id}.{tag}.events",
        napp_topic_prefix=f"{run_id}.{tag}.napp.", topic_partitions=3, topic_replication_factor=1,
        source_id=f"fault4-{tag}", buffer_max_events=BUFFER_EVENTS, overflow_policy=policy,
        kafka={"queue.buffering.max.messages": str(queue_records)})


def publish(bridge, start, count):
    return [bridge.publish("kytos/topology.link_up",
                           {"link": {"id": f"link-{i % 64}"}, "n": i})
            for i in range(start, start + count)]


def settle(bridge, timeout=120):
    """Delivered, and the gap record (if any drop) published and delivered too."""
    assert wait_for(lambda: bridge.flush(1) == 0 and bridge.stats()["pending_gap_count"] == 0
                    and bridge.flush(1) == 0, timeout), bridge.stats()


def test_outage_beyond_the_buffer_drops_are_counted_and_reported_in_band(kafka, run_id):
    cluster = kafka(nodes=1)
    bridges = {"oldest": make_bridge(cluster, run_id, "oldest", "drop_oldest"),
               "newest": make_bridge(cluster, run_id, "newest", "drop_newest")}
    outcomes = {}
    try:
        for bridge in bridges.values():
            assert set(publish(bridge, 0, BEFORE)) <= {"accepted", "buffered"}
        for bridge in bridges.values():
            assert bridge.flush(60) == 0, bridge.stats()
        cluster.stop()
        for bridge in bridges.values():
            assert wait_for(lambda: bridge.stats()["connection"] == "down", 30), bridge.stats()
        for tag, bridge in bridges.items():
            outcomes[tag] = publish(bridge, BEFORE, OUTAGE_EVENTS)
        during = {tag: b.stats() for tag, b in bridges.items()}
        cluster.start()
        ready = time.monotonic()
        back = {}
        for tag, bridge in bridges.items():
            settle(bridge)
            back[tag] = time.monotonic() - ready
        for bridge in bridges.values():
            assert set(publish(bridge, BEFORE + OUTAGE_EVENTS, AFTER)) <= {"accepted", "buffered"}
        for bridge in bridges.values():
            settle(bridge)
        final = {tag: b.stats() for tag, b in bridges.items()}
    finally:
        for bridge in bridges.values():
            bridge.close(10)

    total = BEFORE + OUTAGE_EVENTS + AFTER
    for tag, bridge in bridges.items():
        stats, seen = final[tag], during[tag]
        dropped = stats["dropped"]["buffer_full"]
        verbose = analyse(read_topics(cluster.bootstrap, [f"{run_id}.{tag}.events"]))
        napp = analyse(read_topics(cluster.bootstrap, [f"{run_id}.{tag}.napp.kytos.topology"]))
        missing = verbose.missing(bridge.instance, stats["last_seq"])
        summary(f"fault4 overflow {tag}", published=total, delivered=verbose.unique,
                duplicated=verbose.duplicates, dropped=dropped, recovery=seconds(back[tag]),
                extra=f"{len(missing)} missing from the verbose topic, seq "
                      f"{missing[0] if missing else '-'}..{missing[-1] if missing else '-'}; "
                      f"gap records {[g['content'] for g in verbose.gap_records]}; recovery = "
                      f"broker ready -> everything incl. the gap record delivered")

        # Every drop counted, while it happened and after.
        assert seen["dropped"]["buffer_full"] == dropped and seen["pending_gap_count"] == dropped
        # Beyond what the buffer holds, less what librdkafka's queue took (all of it if the
        # service thread got to it during the burst, nothing if it was busy probing the
        # dead broker) and less a batch the service thread held out of the buffer.
        low = OUTAGE_EVENTS - QUEUE_RECORDS // 2 - BUFFER_EVENTS - BATCH
        assert low <= dropped <= OUTAGE_EVENTS - BUFFER_EVENTS, dropped
        # "published" counts events queued: drop_newest's drops never were.
        assert stats["received"] == total and stats["last_seq"] == total + 1
        assert stats["published"] == total - (dropped if tag == "newest" else 0)
        assert stats["dropped"]["closed"] == 0
        assert stats["failed_terminal"] == 0 and stats["pending_gap_count"] == 0
        # Exactly the dropped events are missing; nothing else, nothing twice.
        assert verbose.duplicates == 0 and napp.duplicates == 0
        assert len(missing) == dropped, (len(missing), dropped)
        assert verbose.unique == total - dropped
        # One gap record: its range spans exactly the missing seqs, its count is theirs.
        # (The range need not be contiguous: while the service thread holds a batch out of
        # the buffer, later events find room; bridge.hpp documents "others in that range
        # may have been delivered".)
        assert stats["gap_records"] == 1 and len(verbose.gap_records) == 1
        gap = verbose.gap_records[0]
        assert gap["name"] == GAP_NAME and gap["instance"] == bridge.instance
        assert gap["content"] == {"from_seq": missing[0], "to_seq": missing[-1],
                                  "count": dropped, "reason": "buffer_full"}
        # Its own seq: after the events it reports, before those published after it.
        assert missing[-1] < gap["seq"] <= stats["last_seq"]
        assert gap["seq"] not in verbose.seqs[bridge.instance]
        # The NApp topic lost the same events, no others.
        have = napp.seqs[bridge.instance]
        napp_missing = [s for s in range(1, stats["last_seq"] + 1)
                        if s not in have and s != gap["seq"]]
        assert napp_missing == missing
        if tag == "oldest":
            # drop_oldest keeps the newest: everything after the gap arrived.
            assert all(s in verbose.seqs[bridge.instance]
                       for s in range(missing[-1] + 1, stats["last_seq"] + 1) if s != gap["seq"])
            assert set(outcomes[tag]) <= {"buffered", "accepted"}
        else:
            # drop_newest: publish said "dropped" for exactly the missing events.
            said = [BEFORE + i + 1 for i, o in enumerate(outcomes[tag]) if o == "dropped"]
            assert said == missing
            assert set(outcomes[tag]) <= {"buffered", "accepted", "dropped"}


def test_drop_oldest_of_a_half_produced_event_is_reported_in_band(kafka, run_id):
    # An odd librdkafka queue limit and 2 topics per event: the event that fills the queue
    # gets its verbose record in and its NApp record refused, then drop_oldest drops it.
    cluster = kafka(nodes=1)
    bridge = make_bridge(cluster, run_id, "half", "drop_oldest", queue_records=999)
    try:
        publish(bridge, 0, 100)
        assert bridge.flush(60) == 0, bridge.stats()
        cluster.stop()
        assert wait_for(lambda: bridge.stats()["connection"] == "down", 30), bridge.stats()
        # Paced, so that the service thread (which probes the dead broker 200 ms a second)
        # fills librdkafka's queue to its limit during the outage.
        publisher = PacedPublisher(bridge.publish, 5000, limit=OUTAGE_EVENTS, start_index=100)
        publisher.start()
        publisher.join(60)
        during = bridge.stats()
        cluster.start()
        settle(bridge)
        stats = bridge.stats()
    finally:
        bridge.close(10)
    verbose = analyse(read_topics(cluster.bootstrap, [f"{run_id}.half.events"]))
    napp = analyse(read_topics(cluster.bootstrap, [f"{run_id}.half.napp.kytos.topology"]))
    (gap,) = verbose.gap_records
    verbose_missing = verbose.missing(bridge.instance, stats["last_seq"])
    napp_missing = [s for s in range(1, stats["last_seq"] + 1)
                    if s not in napp.seqs[bridge.instance] and s != gap["seq"]]
    log(f"half-produced drop: dropped {stats['dropped']}, gap {gap['content']}, missing from "
        f"verbose {len(verbose_missing)}, from the NApp topic {len(napp_missing)}, only from the "
        f"NApp topic {sorted(set(napp_missing) - set(verbose_missing))}")
    assert during["in_flight"] == 999, during  # the queue did fill, at the odd limit
    # Every dropped event is reported in-band, and the count the gap record gives is the
    # count stats() gives.
    assert during["pending_gap_count"] == during["dropped"]["buffer_full"], during
    assert gap["content"]["count"] == stats["dropped"]["buffer_full"]
    assert all(gap["content"]["from_seq"] <= s <= gap["content"]["to_seq"] for s in napp_missing)
