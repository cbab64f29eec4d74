"""kytos/event_bridge: broadcast every Kytos event to a message broker; glue only."""

import functools
import logging
import threading
import traceback
from pathlib import Path

from kytos.core import KytosNApp, rest
from kytos.core.helpers import alisten_to
from kytos.core.rest_api import HTTPException, JSONResponse, Request, aget_json_or_400

# The logger kytos.core.log resolves to for this NApp, without its stack walk.
LOG = logging.getLogger("kytos.napps.kytos/event_bridge")


def _settings_error(exc):
    """"<path>/settings.py could not be loaded: SyntaxError: ... (line 3)"."""
    path = str(Path(__file__).with_name("settings.py"))
    if isinstance(exc, SyntaxError):
        what, file, line = exc.msg, exc.filename or "", exc.lineno
    else:
        what = str(exc)
        frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
                  if Path(frame.filename).name == "settings.py"]
        file, line = path, frames[-1].lineno if frames else None
    if not line:
        where = ""
    elif Path(file).name == "settings.py":
        where = f" (line {line})"
    else:  # a module settings.py imports
        where = f" ({file}, line {line})"
    return f"{path} could not be loaded: {type(exc).__name__}: {what}{where}"


# A settings.py that cannot run (a syntax error, an expression that raises) disables the
# NApp; it never stops Kytos. Kytos reloads this module before main on every reload, and
# main.py runs again on every load, so a fixed file is read on the next reload or enable.
try:
    from napps.kytos.event_bridge import settings
    SETTINGS_ERROR = ""
except Exception as exc:  # noqa: BLE001 - any failure to load only disables the NApp
    settings = None
    SETTINGS_ERROR = _settings_error(exc)

# A native module that fails to load disables the NApp; it never stops Kytos.
try:
    import event_bridge
    from event_bridge import status as bridge_status
    from event_bridge.settings import config_from_settings, native_error_to_setting
    IMPORT_ERROR = ""
except Exception as exc:  # noqa: BLE001 - any failure to load only disables the NApp
    event_bridge = None
    IMPORT_ERROR = f"the event_bridge package failed to load: {type(exc).__name__}: {exc}"

DISABLED = "disabled"

# v1/metrics when the native module did not load: status.prometheus_text(None, "disabled").
DISABLED_METRICS = (
    "# HELP kytos_event_bridge_state 1 for the NApp's current state.\n"
    "# TYPE kytos_event_bridge_state gauge\n"
    'kytos_event_bridge_state{state="running"} 0\n'
    'kytos_event_bridge_state{state="degraded"} 0\n'
    'kytos_event_bridge_state{state="disabled"} 1\n'
)


def _json_errors(handler):
    """An unexpected error in a REST handler answers a JSON 500, never a traceback."""

    @functools.wraps(handler)
    async def guarded(self, request):
        try:
            return await handler(self, request)
        except HTTPException:
            raise
        except Exception as exc:  # noqa: BLE001 - the client gets JSON, the log the trace
            LOG.exception("event_bridge: %s failed", handler.__name__)
            return JSONResponse({"description": f"event_bridge internal error: "
                                                f"{type(exc).__name__}: {exc}", "code": 500},
                                status_code=500)

    return guarded


class Main(KytosNApp):
    """Subscribes to every event and hands it to the native pipeline."""

    def setup(self):
        """Build the bridge from settings.py. Never raises; may run on any thread."""
        self._setup_thread = threading.current_thread().name  # for diagnostics and tests
        self._shutdown_thread = ""
        self._shutdown_lock = threading.Lock()
        self._bridge = None
        self._publish = None
        self._config = None
        self._flush_timeout = 5.0
        self._bridge_state = DISABLED
        self._reason = ""
        self._handler_errors = 0
        self._closed_bridge = None
        self._late_events = 0
        self._losses = None
        if IMPORT_ERROR or SETTINGS_ERROR:
            self._disable(IMPORT_ERROR or SETTINGS_ERROR)
            return
        try:
            self._config, napp = config_from_settings(settings)
            self._flush_timeout = napp["FLUSH_TIMEOUT"]
            self._bridge = event_bridge.Bridge(self._config)
        except event_bridge.ConfigError as exc:
            self._disable(native_error_to_setting(exc))
            return
        except Exception as exc:  # noqa: BLE001 - Kytos must not notice
            self._disable(f"could not start the bridge: {type(exc).__name__}: {exc}")
            return
        self._publish = self._bridge.publish_event
        self._losses = bridge_status.LossWatch()
        self._bridge_state = "running"
        LOG.info("event_bridge %s publishing to %s (verbose topic %s)", self._bridge.instance,
                 self._config.bootstrap_servers, self._config.verbose_topic
                 if self._config.verbose_topic_enabled else "off")

    def _disable(self, reason):
        self._bridge_state = DISABLED
        self._reason = reason
        LOG.error("event_bridge disabled: %s", reason)

    def execute(self):
        """Nothing to do periodically: the bridge runs its own service thread."""

    @alisten_to(".*")
    async def on_event(self, event):
        """Hand the event over; never awaits, never blocks, never raises."""
        publish = self._publish
        if publish is None:
            return
        try:
            publish(event)
        except Exception:  # noqa: BLE001 - publish does not raise; this guards Kytos
            self._handler_errors += 1

    def shutdown(self):
        """Flush up to FLUSH_TIMEOUT and close. Idempotent, bounded, safe on any thread;
        never raises into Kytos (an error is logged and shown in the status reason)."""
        try:
            with self._shutdown_lock:
                bridge, self._bridge = self._bridge, None
                if bridge is not None:
                    self._shutdown_thread = threading.current_thread().name
            if bridge is not None:
                self._close(bridge)
        except Exception as exc:  # noqa: BLE001 - Kytos's unload_napp must go on
            self._bridge_state = DISABLED
            self._reason = f"shut down with an error: {type(exc).__name__}: {exc}"
            LOG.error("event_bridge: shutdown failed: %s: %s", type(exc).__name__, exc)

    def _close(self, bridge):
        # _publish stays bound to the closing bridge: events Kytos still hands to this
        # instance during the flush are published, and after close() they are counted
        # (dropped.after_close), never ignored silently.
        self._closed_bridge = bridge
        self._reason = "shutting down"
        errors = []

        def attempt(what, call, *args):
            try:
                return call(*args)
            except Exception as exc:  # noqa: BLE001 - each step is tried, then reported
                errors.append(f"{what} raised {type(exc).__name__}: {exc}")
                return None

        before = attempt("stats()", bridge.stats)
        left = attempt("close()", bridge.close, self._flush_timeout)
        if left is None:
            attempt("close(0)", bridge.close, 0)  # end closed; a second close does not wait
        after = attempt("stats()", bridge.stats)
        # Events Kytos still hands to this instance from now on (before it removes the
        # listener) are counted by the closed bridge and logged, never ignored silently;
        # the status keeps reading the closed bridge's live counters.
        self._publish = self._publish_after_shutdown
        self._bridge_state = DISABLED
        self._reason = "shut down"
        if errors:
            self._reason = "shut down with an error: " + "; ".join(errors)
            LOG.error("event_bridge: shutdown: %s", "; ".join(errors))
        if before is None or after is None or left is None:
            return
        # Events and records differ: each event is one record per topic it goes to (the
        # verbose topic, its NApp's topic, custom routes).
        counts = (after["published"], after["delivered"],
                  after["delivered"] - before["delivered"])
        if left:
            LOG.warning("event_bridge shut down: %d events published, %d records delivered (a "
                        "record is one event on one topic), %d of them during the flush, %d "
                        "left undelivered after %.1f s (counted in dropped.closed)",
                        *counts, left, self._flush_timeout)
        else:
            LOG.info("event_bridge shut down: %d events published, %d records delivered (a "
                     "record is one event on one topic), %d of them during the flush, none "
                     "left", *counts)
        after_close = after["dropped"]["after_close"]
        if after_close:
            LOG.warning("event_bridge: %d events handed over while it was closing were not "
                        "published (dropped.after_close)", after_close)

    def _publish_after_shutdown(self, event):
        self._closed_bridge.publish_event(event)  # counted in dropped.after_close
        self._late_events += 1
        if self._late_events in (1, 10, 100) or self._late_events % 1000 == 0:
            LOG.warning("event_bridge: %d events arrived after shutdown (the latest: %s); not "
                        "published, counted in dropped.after_close", self._late_events,
                        getattr(event, "name", "?"))

    def _stats(self):
        bridge = self._bridge or self._closed_bridge
        return bridge.stats() if bridge is not None else None

    def _assess(self, stats):
        """(state, reason); only a running bridge can be degraded."""
        if event_bridge is None:
            return DISABLED, self._reason
        running = stats if self._bridge is not None else None
        config = self._config
        losses = self._losses.observe(running) if running and self._losses else 0
        return bridge_status.assess(running, self._bridge_state, self._reason,
                                    config.buffer_max_events if config else 0, losses)

    @rest("v1/status", methods=["GET"])
    @_json_errors
    async def status(self, request: Request) -> JSONResponse:
        """State, reason, broker connection, buffer, counters, last errors, config."""
        stats = self._stats()
        config = self._config
        state, reason = self._assess(stats)
        body = {
            "state": state,
            "reason": reason,
            "broker": stats["connection"] if stats else "unknown",
            "buffer": {"events": stats["buffered_events"], "bytes": stats["buffered_bytes"],
                       "max_events": config.buffer_max_events,
                       "max_bytes": config.buffer_max_bytes} if stats and config else None,
            "stats": stats,
            "last_errors": stats["last_errors"] if stats else [],
            "handler_errors": self._handler_errors,
            "config": config.redacted() if config else None,
        }
        return JSONResponse(body)

    @rest("v1/metrics", methods=["GET"])
    @_json_errors
    async def metrics(self, request: Request):
        """The counters in Prometheus text exposition format."""
        from starlette.responses import PlainTextResponse  # Kytos's own web framework

        if event_bridge is None:
            reason = " ".join(self._reason.split())
            return PlainTextResponse(f"# event_bridge disabled: {reason}\n" + DISABLED_METRICS,
                                     media_type="text/plain; version=0.0.4")
        stats = self._stats() if self._bridge is not None else None
        state, _ = self._assess(stats)
        return PlainTextResponse(bridge_status.prometheus_text(stats, state),
                                 media_type="text/plain; version=0.0.4")

    @rest("v1/filters", methods=["GET"])
    @_json_errors
    async def filters(self, request: Request) -> JSONResponse:
        """The effective allow and deny patterns and routes."""
        config = self._config
        if config is None:
            raise HTTPException(503, detail=f"event_bridge disabled: {self._reason}")
        return JSONResponse({
            "allow": config.allow, "deny": config.deny, "routes": config.routes,
            "key_paths": config.key_paths,
            "verbose_topic": config.verbose_topic if config.verbose_topic_enabled else None,
            "napp_topic_prefix": config.napp_topic_prefix if config.napp_topics_enabled else None,
        })

    @rest("v1/filters/test", methods=["POST"])
    @_json_errors
    async def filters_test(self, request: Request) -> JSONResponse:
        """The verdict and topics for {"name": "<event name>"}; publishes nothing."""
        body = await aget_json_or_400(request)
        name = body.get("name") if isinstance(body, dict) else None
        if not isinstance(name, str) or not name:
            raise HTTPException(400, detail='expected {"name": "<event name>"}')
        bridge = self._bridge
        if bridge is None:
            raise HTTPException(503, detail=f"event_bridge disabled: {self._reason}")
        route = bridge.route(name)
        return JSONResponse({"name": name, "verdict": "publish" if route["passes"] and
                             route["topics"] else "filtered", "topics": route["topics"],
                             "key_paths": route["key_paths"]})
