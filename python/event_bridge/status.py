"""Status reports and Prometheus metrics from a Bridge's stats."""

from __future__ import annotations

from typing import Any, Optional

RUNNING, DEGRADED, DISABLED = "running", "degraded", "disabled"

# (metric, help, type, path into stats); one line per counter or gauge.
_METRICS = (
    ("events_received_total", "Events handed to the bridge.", "counter", ("received",)),
    ("events_filtered_total", "Events the filter rejected.", "counter", ("filtered",)),
    ("events_published_total", "Events encoded and queued.", "counter", ("published",)),
    ("records_produced_total", "Records handed to the broker client.", "counter", ("produced",)),
    ("records_delivered_total", "Records acknowledged by the broker.", "counter", ("delivered",)),
    ("records_failed_total", "Records that failed, by class.", "counter", None),
    ("records_retried_total", "Records produced again after a retriable failure.", "counter",
     ("retried",)),
    ("events_dropped_total", "Events or records dropped, by reason.", "counter", None),
    ("events_oversize_total", "Events replaced by an oversize marker.", "counter", ("oversize",)),
    ("topic_create_failures_total", "Topics the broker refused to create.", "counter",
     ("topic_create_failures",)),
    ("gap_records_total", "Gap records published after drops.", "counter", ("gap_records",)),
    ("content_normalized_total", "Values the content walk had to normalize, by kind.", "counter",
     None),
    ("buffered_events", "Events waiting in the front buffer.", "gauge", ("buffered_events",)),
    ("buffered_bytes", "Bytes waiting in the front buffer.", "gauge", ("buffered_bytes",)),
    ("in_flight_records", "Records inside the broker client, not yet acknowledged.", "gauge",
     ("in_flight",)),
    ("last_seq", "Sequence number of the last published event.", "gauge", ("last_seq",)),
    ("broker_up", "1 when the broker connection is up.", "gauge", None),
    ("state", "1 for the NApp's current state.", "gauge", None),
)


def assess(stats: Optional[dict], state_hint: str = RUNNING, reason: str = "",
           buffer_max_events: int = 0) -> tuple:
    """(state, reason) from a stats snapshot: degraded while the broker is down, the
    buffer is more than half full, or records are being dropped."""
    if state_hint == DISABLED or stats is None:
        return DISABLED, reason or "not started"
    problems = []
    if stats["connection"] == "down":
        problems.append("broker connection down")
    if buffer_max_events and stats["buffered_events"] > buffer_max_events // 2:
        problems.append(f"buffer {stats['buffered_events']}/{buffer_max_events} events")
    if stats["closed"]:
        problems.append("bridge closed")
    if problems:
        return DEGRADED, "; ".join(problems)
    return RUNNING, reason


def prometheus_text(stats: Optional[dict], state: str, prefix: str = "kytos_event_bridge") -> str:
    """Stats in the Prometheus text exposition format (version 0.0.4)."""
    lines = []
    for name, help_text, kind, path in _METRICS:
        metric = f"{prefix}_{name}"
        samples = []
        if name == "state":
            samples = [(f'{{state="{s}"}}', int(s == state)) for s in (RUNNING, DEGRADED, DISABLED)]
        elif stats is None:
            continue
        elif name == "records_failed_total":
            samples = [('{class="retriable"}', stats["failed_retriable"]),
                       ('{class="terminal"}', stats["failed_terminal"])]
        elif name == "events_dropped_total":
            samples = [(f'{{reason="{r}"}}', v) for r, v in sorted(stats["dropped"].items())]
        elif name == "content_normalized_total":
            samples = [(f'{{kind="{k}"}}', v) for k, v in sorted(stats["normalized"].items())]
        elif name == "broker_up":
            samples = [("", int(stats["connection"] == "up"))]
        else:
            value: Any = stats
            for key in path:
                value = value[key]
            samples = [("", value)]
        lines.append(f"# HELP {metric} {help_text}")
        lines.append(f"# TYPE {metric} {kind}")
        lines.extend(f"{metric}{labels} {int(value)}" for labels, value in samples)
    return "\n".join(lines) + "\n"
