"""The Bridge: hand events to the native pipeline; flush, close and read its stats."""

from __future__ import annotations

import atexit
import enum
import threading
import weakref
from typing import Any, Optional

from event_bridge import _core
from event_bridge.config import Config


class Outcome(str, enum.Enum):
    """What publish() did with an event. Compares equal to the plain strings."""

    ACCEPTED = "accepted"  # queued for the broker
    FILTERED = "filtered"  # the filter rejected the name; nothing encoded
    BUFFERED = "buffered"  # queued, while the broker is down or saturated
    DROPPED = "dropped"    # not queued: the buffer was full under drop_newest
    CLOSED = "closed"      # the bridge is closed


_open_bridges: "weakref.WeakSet[Bridge]" = weakref.WeakSet()
_open_lock = threading.Lock()


class Bridge:
    """Filter, encode, route and publish events to the broker.

    publish(name, content, *, id=None, timestamp=None) and publish_event(event) never
    block and never raise for data or broker problems: they return an outcome string
    (see Outcome). flush() and close() block with the GIL released. Thread-safe.
    """

    def __init__(self, config: Any = None, **overrides: Any) -> None:
        self.config = Config.coerce(config, **overrides)
        self._core = _core.Bridge(self.config.to_core_dict())
        # The per-event entry points are the native methods themselves: no Python frame.
        self.publish = self._core.publish
        self.publish_event = self._core.publish_event_fast
        with _open_lock:
            _open_bridges.add(self)

    def flush(self, timeout: float = 10.0) -> int:
        """Wait up to timeout seconds for delivery; return the records still undelivered."""
        return self._core.flush(timeout)

    def close(self, timeout: float = 10.0) -> int:
        """Flush up to timeout seconds, then stop; return the records left undelivered.

        Idempotent and safe from any thread; later publishes return "closed".
        """
        left = self._core.close(timeout)
        with _open_lock:
            _open_bridges.discard(self)
        return left

    @property
    def closed(self) -> bool:
        return self._core.closed

    @property
    def instance(self) -> str:
        """This bridge's instance id (a UUID, new on every start)."""
        return self._core.instance

    def stats(self) -> dict[str, Any]:
        """A snapshot of the counters (docs/GUARANTEES.md explains each)."""
        return self._core.stats()

    def route(self, name: str) -> dict[str, Any]:
        """The filter verdict, topics and key paths for an event name; publishes nothing."""
        return self._core.route(name)

    def __enter__(self) -> "Bridge":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"Bridge(instance={self.instance!r}, "
                f"bootstrap_servers={self.config.bootstrap_servers!r}, closed={self.closed})")


@atexit.register
def _close_open_bridges(timeout: Optional[float] = 5.0) -> None:
    """Interpreter exit: flush and close what the program left open, never in a destructor."""
    with _open_lock:
        bridges = list(_open_bridges)
    for bridge in bridges:
        try:
            bridge.close(timeout)
        except Exception:  # noqa: BLE001 - exit must go on
            pass
