"""The README's first command: the demo, on the embedded mock cluster and on the real broker."""

from __future__ import annotations

import io

from event_bridge import demo
from tests.support.kafka import report


def check(summary, where):
    report(f"demo ({where}): {summary['events']} events dispatched, {summary['filtered']} "
           f"filtered, {summary['events_delivered']} delivered on the verbose topic, "
           f"{summary['records_delivered']} records in all, {summary['bytes_per_event']:.0f} "
           f"bytes/event, {summary['events_per_second']:,.0f} events/s")
    assert summary["received"] == summary["events"] > 1000
    assert summary["filtered"] > 0
    assert summary["events_delivered"] == summary["events"] - summary["filtered"]
    assert summary["published"] == summary["events_delivered"]
    assert summary["records_delivered"] == 2 * summary["published"]
    assert summary["records_read_back"] == summary["records_delivered"]
    assert summary["undelivered"] == 0
    assert 200 < summary["bytes_per_event"] < 5000


def test_demo_on_embedded_mock_cluster():
    out = io.StringIO()
    summary = demo.run(None, out=out)
    check(summary, "embedded mock cluster")
    text = out.getvalue()
    assert "embedded mock cluster" in text and "= dispatched - filtered: ok" in text
    assert "kytos.events.kytos.topology" in text


def test_demo_on_real_broker(bootstrap):
    out = io.StringIO()
    summary = demo.run(bootstrap, out=out)
    check(summary, "real broker")
    assert f"the broker at {bootstrap}" in out.getvalue()
