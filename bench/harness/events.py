"""The events every measurement uses, all from event_bridge.samples with fixed seeds."""

from __future__ import annotations

import dataclasses
import enum

from event_bridge import samples

SIZES = ("small", "medium", "large")
# Distinct representative events per size class (different topologies, ids, MACs, stats).
POOL_SEEDS = 64


def plain_event(event: samples.Event) -> samples.Event:
    """The same event with its content normalized to plain dicts, lists and scalars."""
    return samples.Event(event.name, samples.plain(event.content), id=event.id,
                         timestamp=event.timestamp)


def size_pool(size: str, content: str = "objects", seeds: int = POOL_SEEDS) -> list:
    """sample_event(size, seed) for seeds 1..seeds; content "objects" (as Kytos emits them,
    Link/Switch/Flow objects with as_dict) or "plain" (samples.plain of the content)."""
    events = [samples.sample_event(size, seed=seed) for seed in range(1, seeds + 1)]
    if content == "plain":
        events = [plain_event(event) for event in events]
    elif content != "objects":
        raise ValueError(f"content: unknown value {content!r} (objects, plain)")
    return events


def cycle(pool: list, count: int) -> list:
    """count events taken round-robin from the pool (the objects are shared, never mutated)."""
    return [pool[i % len(pool)] for i in range(count)]


def controller_mix(count: int, seed: int = 1) -> list:
    """A controller's steady-state stream (samples.event_mix): ~72 % OpenFlow noise that the
    default deny lists drop, then LLDP, flows, MACs, stats, topology and EVC events."""
    return list(samples.event_mix(count, seed=seed))


def published_only(events: list) -> list:
    """The events the bridge's default deny list lets through."""
    return [event for event in events if not samples.is_filtered_by_default(event.name)]


def as_dict_methods(content) -> list:
    """The bound as_dict methods the bridge's content walker calls for an event's content,
    in its order: objects with a callable as_dict() anywhere in it (dict values, lists,
    tuples, sets, dataclass fields) and in what their as_dict() returns.

    Each is called once here to find the objects inside its result; calling the list again
    costs what the walker spends in the Kytos objects' Python code, and nothing else.
    """
    methods: list = []

    def walk(value) -> None:
        if isinstance(value, enum.Enum):
            if value.value is not value:
                walk(value.value)
        elif value is None or isinstance(value, (str, bytes, bytearray, memoryview, int,
                                                 float, type)):
            return
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                walk(item)
        else:
            method = getattr(value, "as_dict", None)
            if callable(method):
                methods.append(method)
                walk(method())
            elif dataclasses.is_dataclass(value):
                for field in dataclasses.fields(value):
                    walk(getattr(value, field.name))

    walk(content)
    return methods


def envelope(event: samples.Event, fmt: str = "msgpack") -> bytes:
    """The bytes the bridge publishes for this event (codec.encode, as the Bridge does)."""
    from event_bridge import codec
    return codec.encode(event.name, event.content, format=fmt, id=event.id,
                        timestamp=event.timestamp, seq=1, source="bench")
