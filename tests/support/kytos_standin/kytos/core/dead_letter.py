"""Dead letter store with the behaviour of kytos.core.dead_letter.DeadLetter.

``dict[event.name] -> OrderedDict[str(event.id)] -> event`` (the event object
itself), at most 50,000 per name, oldest evicted.  ``GET
/api/kytos/core/dead_letter/`` lists it.  PATCH (reinject) and DELETE are not
served by the stand-in; ``reinject``/``delete_*`` exist as methods.
"""
import json
from collections import OrderedDict, defaultdict

from kytos.core.rest_api import JSONResponse, Request


class DeadLetter:
    """Events whose listen_to/alisten_to handler raised."""

    def __init__(self, controller):
        self.controller = controller
        self.dict = defaultdict(OrderedDict)
        self._max_len_per_event_name = 50000

    def register_endpoints(self):
        """GET /api/kytos/core/dead_letter/ (?event_name=...)."""
        self.controller.api_server.register_core_endpoint(
            "dead_letter/", self.rest_list, methods=["GET"])

    async def rest_list(self, request: Request) -> JSONResponse:
        """List as ``{name: {id: event.as_json() parsed}}``."""
        event_name = request.query_params.get("event_name")
        if event_name:
            return JSONResponse(self.list_event(event_name))
        return JSONResponse(self.list_events())

    def list_event(self, event_name: str) -> dict:
        """One name (the lookup creates an empty entry, as in Kytos)."""
        response = defaultdict(dict)
        for key, value in self.dict[event_name].items():
            response[event_name][key] = json.loads(value.as_json())
        return response

    def list_events(self) -> dict:
        """Every name."""
        response = defaultdict(dict)
        for event_name, events in self.dict.items():
            for key, value in events.items():
                response[event_name][key] = json.loads(value.as_json())
        return response

    def add_event(self, event):
        """Store ``event`` (keyed by its id; same event twice = once)."""
        if len(self.dict[event.name]) >= self._max_len_per_event_name:
            self.dict[event.name].popitem(last=False)
        self.dict[event.name][str(event.id)] = event

    def delete_event(self, event_name: str, event_id: str):
        """Remove one event."""
        return self.dict[event_name].pop(event_id, None)

    def delete_event_name(self, event_name: str):
        """Remove every event of a name."""
        return self.dict.pop(event_name, None)

    def reinject(self, event_name: str, event_id: str, buffer_name: str):
        """Put the event back on the app or msg_in buffer, reinjections+1."""
        if buffer_name not in {"app", "msg_in"} or event_name not in self.dict:
            return
        event = self.dict[event_name].pop(event_id, None)
        if event is None:
            return
        event.reinjections += 1
        getattr(self.controller.buffers, buffer_name).put(event)

    # ---- stand-in conveniences (not in Kytos) ----
    def count(self, event_name: str = None) -> int:
        """Events stored for ``event_name``, or in total."""
        if event_name is None:
            return sum(len(events) for events in self.dict.values())
        return len(self.dict.get(event_name, ()))

    def counts(self) -> dict:
        """``{name: count}`` for non-empty names."""
        return {name: len(events) for name, events in self.dict.items()
                if events}
