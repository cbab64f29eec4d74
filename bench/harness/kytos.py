"""What Kytos-ng does around a listener, rebuilt faithfully for the benchmark.

kytos/core/helpers.py alisten_to wraps a coroutine twice (inner -> handler_context ->
handler, with a try/except that logs and dead-letters), and kytos/core/controller.py
dispatches each event from its buffer's consumer task: `await asyncio.sleep(0)`, get
the event, then notify_listeners(), which re.match()es every listener key (with '$'
appended) and creates one task per matching coroutine listener (CONTRACT.md section 3).
notify_listeners is event_bridge.replay's, the one the demo's ReplayHost dispatches with.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from typing import Any, Callable, Iterable

from event_bridge import replay

LOG = logging.getLogger("kytos.core.controller")
BUFFER_LOG = logging.getLogger("kytos.core.buffers")


def alisten_to(event: str, *events: str) -> Callable:
    """kytos.core.helpers.alisten_to without APM: inner -> handler_context -> handler."""

    def decorator(handler: Callable) -> Callable:
        async def handler_context(*args: Any) -> Any:
            napp, kytos_event = args[0], args[1]
            try:
                result = await handler(*args)
            except Exception:  # noqa: BLE001 - as Kytos: log and dead-letter
                result = None
                LOG.error("alisten_to handler: %s, args: %s traceback: %s", handler, args,
                          traceback.format_exc())
                dead_letter = getattr(getattr(napp, "controller", None), "dead_letter", None)
                if dead_letter is not None:
                    dead_letter.append(kytos_event)
            return result

        async def inner(*args: Any) -> Any:
            return await handler_context(*args)

        inner.events = [event, *events]
        inner.__name__ = handler.__name__
        return inner

    return decorator


def use_kytos_alisten_to() -> None:
    """Make `from kytos.core.helpers import alisten_to` give the faithful wrapper.

    Installs event_bridge.replay's stand-in kytos.core first (unless a real Kytos is
    importable); NApps imported afterwards (ReplayHost) get Kytos's two wrapper levels.
    """
    replay._shim_kytos()  # noqa: SLF001 - the stand-in is what ReplayHost loads the NApp with
    sys.modules["kytos.core.helpers"].alisten_to = alisten_to


class Dispatcher:
    """One Kytos event buffer and its consumer task, with the controller's listener map."""

    def __init__(self) -> None:
        self.events_listeners: dict[str, list] = {}
        self._alisten_tasks: set = set()
        self.dead_letter: list = []

    def register(self, pattern: str, listener: Callable) -> None:
        self.events_listeners.setdefault(pattern, []).append(listener)

    def register_napp(self, napp: Any) -> None:
        """Every method of the NApp that carries `.events` (what alisten_to sets)."""
        for name in dir(napp):
            if name.startswith("_"):
                continue
            method = getattr(napp, name)
            for pattern in getattr(method, "events", ()):
                self.register(pattern, method)

    async def dispatch(self, events: Iterable[Any]) -> int:
        """Put the events in a buffer and run controller.py's event_handler until it is
        empty, then wait for every listener task. Returns the number of events."""
        queue: asyncio.Queue = asyncio.Queue()
        count = 0
        for event in events:
            queue.put_nowait(event)
            count += 1
        while not queue.empty():
            await asyncio.sleep(0)
            event = await queue.get()
            BUFFER_LOG.debug("[buffer: %s] Removed: %s", "app", event.name)
            # controller.py notify_listeners: re.match per key, a task per coroutine listener.
            replay.notify_listeners(self.events_listeners, event, self._alisten_tasks, LOG)
        while self._alisten_tasks:
            await asyncio.gather(*list(self._alisten_tasks))
        return count


class NoOpNApp:
    """A NApp whose only listener does nothing: the least any asyncio NApp costs."""

    controller = None

    @alisten_to(".*")
    async def on_event(self, event: Any) -> None:
        return None


# Listeners of other NApps, each doing nothing: the names they match are common ones
# (port status and packet-in for of_core/of_lldp, link changes for mef_eline, ...).
OTHER_LISTENERS = (
    "kytos/of_core.v0x04.messages.in.ofpt_port_status",
    "kytos/of_core.v0x04.messages.in.ofpt_packet_in",
    "kytos/topology.link_(up|down)",
    ".*.switch.(new|reconnected)",
    "kytos.flow_manager.flows.(install|delete)",
)


def other_napps_listeners() -> list:
    """(pattern, coroutine listener) pairs standing for the other NApps."""
    pairs = []
    for pattern in OTHER_LISTENERS:
        @alisten_to(pattern)
        async def listener(self: Any, event: Any) -> None:
            return None
        holder = type("OtherNApp", (), {"controller": None})()
        pairs.append((pattern, listener.__get__(holder)))
    return pairs
