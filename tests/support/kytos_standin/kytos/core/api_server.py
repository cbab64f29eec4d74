"""The routing part of kytos.core.api_server.APIServer.

A Starlette app (debug=True like ``api_traceback_on_500``, CORS ``*``, the
HTTPException handler rendering ``{"description": detail, "code": status}``).
NApp routes live under ``/api/<username>/<name>/<rule>`` and are added with
and without the trailing slash; sync handlers therefore run in Starlette's
AnyIO worker threads and async ones on the loop that serves the request.
No uvicorn, no web UI, no authentication.
"""
import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from kytos.core.rest_api import JSONResponse, Request

LOG = logging.getLogger("kytos.core.api_server")


class APIServer:
    """Holds the Starlette app and the NApp route bookkeeping."""

    DEFAULT_METHODS = ('GET',)
    _NAPP_PREFIX = "/api/{napp.username}/{napp.name}/"
    _CORE_PREFIX = "/api/kytos/core/"
    _route_index_count = 0

    def __init__(self, napps_dir=None, response_traceback_on_500=True):
        self.napps_dir = napps_dir
        self.app = Starlette(
            debug=response_traceback_on_500,
            exception_handlers={HTTPException: self._http_exc_handler},
            middleware=[Middleware(CORSMiddleware, allow_origins=["*"])],
        )

    async def _http_exc_handler(self, _request: Request, exc: HTTPException):
        return JSONResponse({"description": exc.detail,
                             "code": exc.status_code},
                            status_code=exc.status_code)

    @classmethod
    def _get_next_route_index(cls) -> int:
        index = cls._route_index_count
        cls._route_index_count += 1
        return index

    def stop(self):
        """Nothing to stop: there is no uvicorn server."""

    # ---- the @rest decorator -------------------------------------------
    @staticmethod
    def decorate_as_endpoint(rule, **options):
        """``@rest(rule, methods=[...])``: store ``(rule, options)`` in the
        function's ``route_params`` list (stackable) and give it a global
        ``route_index``; routes are added when the NApp is loaded."""
        def store_route_params(function):
            if isinstance(function, (classmethod, staticmethod)):
                inner = function.__func__
            else:
                inner = function
            if not hasattr(inner, 'route_params'):
                inner.route_params = []
            inner.route_params.append((rule, options))
            inner.route_index = APIServer._get_next_route_index()
            return function
        return store_route_params

    # ---- registration ----------------------------------------------------
    def register_core_endpoint(self, route, function, **options):
        """Add ``/api/kytos/core/<route>``."""
        self._start_endpoint(self.app, f"{self._CORE_PREFIX}{route}",
                             function, **options)

    def authenticate_endpoints(self, napp):
        """Mark every decorated function as not needing authentication."""
        for function in self._get_decorated_functions(napp):
            inner = getattr(function, '__func__', function)
            inner.authenticated = False

    def register_napp_endpoints(self, napp):
        """Add every ``@rest`` route of ``napp``, in decoration order."""
        for function in self._get_decorated_functions(napp):
            for rule, options in function.route_params:
                absolute_rule = self.get_absolute_rule(rule, napp)
                self._start_endpoint(self.app, absolute_rule, function,
                                     **options)

    @staticmethod
    def _get_decorated_functions(napp):
        callables = []
        for name in dir(napp):
            if not name.startswith('_'):
                attr = getattr(napp, name)
                if (callable(attr) and hasattr(attr, "route_params")
                        and hasattr(attr, "route_index")
                        and isinstance(attr.route_index, int)):
                    callables.append(attr)
        yield from sorted(callables, key=lambda f: f.route_index)

    @classmethod
    def get_absolute_rule(cls, rule, napp):
        """``"v1/x"`` -> ``"/api/<username>/<name>/v1/x"``."""
        relative_rule = rule[1:] if rule.startswith('/') else rule
        return cls._NAPP_PREFIX.format(napp=napp) + relative_rule

    @staticmethod
    def _add_non_strict_slash_route(app, route, function, **options):
        if route == "/":
            return
        non_strict = route[:-1] if route.endswith("/") else f"{route}/"
        app.router.add_route(non_strict, function, **options,
                             include_in_schema=False)

    def _start_endpoint(self, app, route, function, **options):
        app.router.add_route(route, function, **options)
        self._add_non_strict_slash_route(app, route, function, **options)
        LOG.info('Started %s - %s', route,
                 ', '.join(options.get('methods', self.DEFAULT_METHODS)))

    def remove_napp_endpoints(self, napp):
        """Drop every route whose path starts with the NApp prefix."""
        prefix = self._NAPP_PREFIX.format(napp=napp)
        indexes = [index for index, route in enumerate(self.app.routes)
                   if route.path.startswith(prefix)]
        for index in reversed(indexes):
            self.app.routes.pop(index)
        LOG.info('The Rest endpoints from %s were disabled.', prefix)
