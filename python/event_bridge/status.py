"""Status reports and Prometheus metrics from a Bridge's stats."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Optional

RUNNING, DEGRADED, DISABLED = "running", "degraded", "disabled"

# How long a status read that saw new losses keeps the state degraded, so that every
# reader (a person, a Prometheus scrape every 15 or 30 s) sees it.
LOSS_WINDOW = 60.0

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


def lost(stats: dict) -> int:
    """Events dropped (any reason) plus records that failed terminally, so far."""
    return sum(stats["dropped"].values()) + stats["failed_terminal"]


class LossWatch:
    """Turns the ever-growing loss counters of one bridge into "lost recently".

    observe(stats) compares lost(stats) with the previous observation (0 for the first):
    more losses start a loss episode, or extend the current one. An episode ends `window`
    seconds after the last observation that saw new losses. observe() returns the losses
    of the current episode (0 outside one). Thread-safe; never blocks.
    """

    def __init__(self, window: float = LOSS_WINDOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._seen = 0        # lost() at the previous observation
        self._base = 0        # lost() before the current episode began
        self._last_new = None  # when an observation last saw new losses

    def observe(self, stats: dict) -> int:
        now, total = self._clock(), lost(stats)
        with self._lock:
            active = self._last_new is not None and now - self._last_new < self.window
            if total > self._seen:
                if not active:
                    self._base = self._seen
                self._last_new, active = now, True
                self._seen = total
            return total - self._base if active else 0


def assess(stats: Optional[dict], state_hint: str = RUNNING, reason: str = "",
           buffer_max_events: int = 0, lost_recently: int = 0) -> tuple:
    """(state, reason) from a stats snapshot.

    Disabled when state_hint is disabled or there are no stats. Otherwise degraded while
    the broker connection is down, the buffer is more than half full, the bridge is
    closed, or lost_recently > 0: events were dropped or records failed terminally (see
    LossWatch: since the previous status read, and for LOSS_WINDOW s after the read that
    saw them). Running otherwise.
    """
    if state_hint == DISABLED or stats is None:
        return DISABLED, reason or "not started"
    problems = []
    if stats["connection"] == "down":
        problems.append("broker connection down")
    if buffer_max_events and stats["buffered_events"] > buffer_max_events // 2:
        problems.append(f"buffer {stats['buffered_events']}/{buffer_max_events} events")
    if stats["closed"]:
        problems.append("bridge closed")
    if lost_recently:
        problems.append(f"{lost_recently} lost recently (events dropped or records failed "
                        f"terminally: see stats.dropped, stats.failed_terminal)")
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
