"""REST helpers with the behaviour of kytos.core.rest_api.

``Request``, ``Response`` and ``HTTPException`` are Starlette's own classes,
exactly as in Kytos-ng.
"""
import asyncio
import json
from asyncio import AbstractEventLoop
from datetime import datetime
from typing import Any, Optional

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse as StarletteJSONResponse
from starlette.responses import Response

__all__ = ("Request", "Response", "HTTPException", "JSONResponse",
           "get_body", "get_json", "get_json_or_400", "aget_json_or_400",
           "content_type_json_or_415")


def _json_serializer(obj):
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, set):
        return sorted(obj)
    raise TypeError(f"Type {type(obj)} not serializable")


def get_body(request: Request, loop: AbstractEventLoop,
             timeout: Optional[float] = None) -> bytes:
    """Read the body from a sync route: the read runs on ``loop``."""
    return asyncio.run_coroutine_threadsafe(request.body(),
                                            loop).result(timeout)


def get_json(request: Request, loop: AbstractEventLoop,
             timeout: Optional[float] = None) -> Any:
    """Parse the JSON body from a sync route (may raise JSONDecodeError)."""
    return asyncio.run_coroutine_threadsafe(request.json(),
                                            loop).result(timeout)


def get_json_or_400(request: Request, loop: AbstractEventLoop,
                    timeout: Optional[float] = None) -> Any:
    """get_json, with a bad body turned into HTTPException(400)."""
    try:
        return get_json(request, loop, timeout)
    except (json.decoder.JSONDecodeError, TypeError) as exc:
        raise HTTPException(400, detail=f"Invalid json: {str(exc)}") from exc


async def aget_json_or_400(request: Request) -> Any:
    """``await request.json()``, or HTTPException(400) on a bad body."""
    try:
        return await request.json()
    except (json.decoder.JSONDecodeError, TypeError) as exc:
        raise HTTPException(400, detail=f"Invalid json: {str(exc)}") from exc


def content_type_json_or_415(request: Request) -> Optional[str]:
    """Return the Content-Type if it lists application/json, else 415."""
    content_type = request.headers.get("Content-Type", "")
    if "application/json" not in content_type.split(";"):
        raise HTTPException(
            415, detail="Expected Content-Type: application/json, "
                        f"got: {content_type}")
    return content_type


class JSONResponse(StarletteJSONResponse):
    """Compact JSON; datetime -> isoformat(), set -> sorted list."""

    media_type = "application/json"

    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False,
                          indent=None, separators=(",", ":"),
                          default=_json_serializer).encode("utf-8")
