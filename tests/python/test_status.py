"""Status assessment and the Prometheus text exposition format."""

from __future__ import annotations

import re

from event_bridge import status

STATS = {
    "received": 10, "filtered": 2, "published": 8, "produced": 16, "delivered": 15,
    "failed_retriable": 1, "failed_terminal": 0, "retried": 1,
    "dropped": {"buffer_full": 3, "closed": 0}, "oversize": 0, "topic_create_failures": 0,
    "normalized": {"stringified_keys": 1, "repr_fallbacks": 2, "cycles": 0,
                   "depth_exceeded": 0, "as_dict_errors": 0, "big_integers": 0, "value_errors": 0, "escaped_strs": 0},
    "buffered_events": 60, "buffered_bytes": 6000, "in_flight": 1, "last_seq": 8,
    "topics": 2, "cached_names": 3, "gap_records": 1, "pending_gap_count": 0, "connection": "up", "closed": False, "instance": "x",
    "last_errors": [],
}

LINE = re.compile(r'^[a-z_]+(\{[a-z_]+="[a-z_]+"\})? -?\d+$')


def test_prometheus_text_is_well_formed_and_carries_the_counters():
    text = status.prometheus_text(STATS, "running")
    assert text.endswith("\n")
    helps = types = 0
    for line in text.splitlines():
        if line.startswith("# HELP "):
            helps += 1
        elif line.startswith("# TYPE "):
            types += 1
            assert line.split()[-1] in ("counter", "gauge")
        else:
            assert LINE.match(line), line
    assert helps == types == 18
    assert "kytos_event_bridge_records_delivered_total 15\n" in text
    assert 'kytos_event_bridge_events_dropped_total{reason="buffer_full"} 3\n' in text
    assert 'kytos_event_bridge_records_failed_total{class="retriable"} 1\n' in text
    assert 'kytos_event_bridge_state{state="running"} 1\n' in text
    assert 'kytos_event_bridge_state{state="disabled"} 0\n' in text
    assert "kytos_event_bridge_broker_up 1\n" in text


def test_disabled_has_only_the_state():
    text = status.prometheus_text(None, "disabled")
    assert 'kytos_event_bridge_state{state="disabled"} 1' in text
    assert "delivered" not in text


def test_assess():
    assert status.assess(STATS, "running", "", 1000) == ("running", "")
    assert status.assess(STATS, "running", "", 100) == ("degraded", "buffer 60/100 events")
    down = dict(STATS, connection="down")
    assert status.assess(down, "running", "", 1000) == ("degraded", "broker connection down")
    assert status.assess(None, "disabled", "settings.DENY[0]: bad") == \
        ("disabled", "settings.DENY[0]: bad")


def test_assess_degraded_by_recent_losses():
    quiet = dict(STATS, buffered_events=0)
    assert status.assess(quiet, "running", "", 1000, 0) == ("running", "")
    state, reason = status.assess(quiet, "running", "", 1000, 4)
    assert state == "degraded"
    assert reason == ("4 lost recently (events dropped or records failed terminally: see "
                      "stats.dropped, stats.failed_terminal)")
    down = dict(quiet, connection="down")
    assert status.assess(down, "running", "", 1000, 4)[1].startswith(
        "broker connection down; 4 lost recently")
    assert status.assess(quiet, "disabled", "shut down", 1000, 4) == ("disabled", "shut down")


def losses(dropped=0, terminal=0, closed=0):
    return dict(STATS, dropped={"buffer_full": dropped, "closed": closed, "after_close": 0},
                failed_terminal=terminal)


def test_lost_counts_every_drop_reason_and_terminal_failures():
    assert status.lost(losses(3, 2, 1)) == 6


def test_loss_watch_episode():
    now = [100.0]
    watch = status.LossWatch(window=60, clock=lambda: now[0])
    assert watch.observe(losses()) == 0
    # Lost before the first read (since the bridge started): seen by the first read.
    assert status.LossWatch(clock=lambda: now[0]).observe(losses(5)) == 5
    assert watch.observe(losses(5)) == 5        # a new episode
    now[0] += 30
    assert watch.observe(losses(5, 1)) == 6     # more losses extend it
    now[0] += 59
    assert watch.observe(losses(5, 1)) == 6     # 59 s after the last read that saw new ones
    now[0] += 1
    assert watch.observe(losses(5, 1)) == 0     # over
    assert watch.observe(losses(5, 1)) == 0
    now[0] += 1000
    assert watch.observe(losses(7, 1)) == 2     # a new episode counts only its own losses
    assert watch.observe(losses(7, 1)) == 2


def test_loss_window_default_is_documented():
    assert status.LOSS_WINDOW == 60
    assert "LOSS_WINDOW" in status.assess.__doc__ and "dropped" in status.assess.__doc__
