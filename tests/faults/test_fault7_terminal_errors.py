"""Fault 7: terminal errors. A message over the topic's size limit (max.message.bytes) and a
topic that does not exist on a broker with auto-creation off: counted as terminal, not
retried forever, shown in stats()["last_errors"] (the status endpoint) with the broker's
reason, and everything else is still delivered."""

from __future__ import annotations

import os
import time

import event_bridge
from faultlib import (analyse, create_topics, log, read_topics, seconds, summary, topic_metadata,
                      wait_for)

NORMAL = 2000
BIG = 20          # ~8 KB of incompressible bytes, to a topic whose limit is 2 KB
GHOST = 20        # to a topic that does not exist
TOPIC_LIMIT = 2048


def test_terminal_errors_are_counted_shown_and_do_not_block_the_rest(kafka, run_id):
    cluster = kafka(nodes=1, auto_create=False)
    verbose, small, missing = f"{run_id}.events", f"{run_id}.small", f"{run_id}.missing"
    create_topics(cluster.bootstrap, [(verbose, 3, 1, {}),
                                      (small, 1, 1, {"max.message.bytes": str(TOPIC_LIMIT)})])
    bridge = event_bridge.Bridge(
        bootstrap_servers=cluster.bootstrap, verbose_topic=verbose, napp_topics_enabled=False,
        create_topics=False, source_id="fault7",
        routes=[{"pattern": r"kytos/big\..*", "topic": small},
                {"pattern": r"kytos/ghost\..*", "topic": missing}])
    started = time.monotonic()
    try:
        expected_failed = []
        for i in range(NORMAL):
            assert bridge.publish("kytos/topology.link_up",
                                  {"link": {"id": f"link-{i % 64}"}, "n": i}) != "dropped"
            if i % (NORMAL // BIG) == 0:
                bridge.publish("kytos/big.blob", {"blob": os.urandom(8192), "n": i})
                expected_failed.append(("big", i))
            if i % (NORMAL // GHOST) == 1:
                bridge.publish("kytos/ghost.event", {"n": i})
                expected_failed.append(("ghost", i))
        # The oversize records fail at once (the broker answers MSG_SIZE_TOO_LARGE) while
        # the records to the missing topic wait for it to appear, up to librdkafka's
        # topic.metadata.propagation.max.ms (30 s): meanwhile everything else flows.
        published = NORMAL + BIG + GHOST
        assert wait_for(lambda: bridge.stats()["failed_terminal"] >= BIG
                        and bridge.stats()["delivered"] >= published, 60), bridge.stats()
        mid = bridge.stats()
        mid_at = time.monotonic() - started
        left = bridge.flush(120)
        resolved = time.monotonic() - started
        stats = bridge.stats()
        # Still delivering after the errors.
        for i in range(100):
            bridge.publish("kytos/topology.link_down", {"link": {"id": f"link-{i % 64}"}})
        assert bridge.flush(60) == 0, bridge.stats()
        after = bridge.stats()
    finally:
        bridge.close(10)

    records = read_topics(cluster.bootstrap, [verbose])
    result = analyse(records)
    errors = mid["last_errors"] + stats["last_errors"]
    codes = {e["code"]: e for e in errors}
    summary("fault7 terminal errors", published=published + 100, delivered=result.unique,
            duplicated=result.duplicates, dropped=sum(after["dropped"].values()),
            recovery="n/a",
            extra=f"failed_terminal={after['failed_terminal']} (expected {BIG + GHOST}); "
                  f"oversize failed and all else delivered after {seconds(mid_at)}, the missing "
                  f"topic's records failed after {seconds(resolved)}; last_errors codes "
                  f"{ {c: e['reason'] for c, e in codes.items()} }")
    log(f"last_errors: {[(e['topic'], e['code'], e['reason']) for e in errors]}")

    # Everything else was delivered while the missing topic's records were still pending.
    assert mid["delivered"] == published and mid["failed_terminal"] == BIG, mid
    assert mid["in_flight"] == GHOST, mid
    mid_codes = {e["code"]: e for e in mid["last_errors"]}
    assert mid_codes["MSG_SIZE_TOO_LARGE"]["reason"] == "Broker: Message size too large", mid
    assert mid_codes["MSG_SIZE_TOO_LARGE"]["topic"] == small and \
        mid_codes["MSG_SIZE_TOO_LARGE"]["terminal"]
    # Not retried forever: everything settled, each failure counted once as terminal.
    assert left == 0, stats
    assert stats["failed_terminal"] == BIG + GHOST, stats
    assert stats["retried"] == 0 and stats["failed_retriable"] == 0, stats
    assert stats["delivered"] == published, stats  # every verbose record
    # Shown with the broker's reason.
    ghost = [e for e in stats["last_errors"] if e["topic"] == missing]
    assert ghost and all(e["terminal"] for e in ghost), stats["last_errors"]
    assert {(e["code"], e["reason"]) for e in ghost} == {
        ("UNKNOWN_TOPIC_OR_PART", "Broker: Unknown topic or partition")}, ghost
    assert all(e["terminal"] for e in errors)
    # Everything else delivered: every event on the verbose topic, once, in order per key.
    assert after["delivered"] == published + 100 and after["failed_terminal"] == BIG + GHOST
    assert result.duplicates == 0 and result.order_violations == []
    assert result.seqs == {bridge.instance: set(range(1, published + 101))}
    # Nothing reached the small topic, and the missing topic was not created.
    assert read_topics(cluster.bootstrap, [small]) == []
    try:
        topic_metadata(cluster.bootstrap, missing)
        exists = True
    except Exception:  # noqa: BLE001 - unknown topic
        exists = False
    assert not exists
