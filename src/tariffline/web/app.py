"""The FastAPI application: API routes, pages, static files and the error contract.

Errors: a :class:`~tariffline.errors.TariffLineError` becomes 400 (413 for an upload over its
limit) with ``{"error": "<the CLI's message>"}``; a malformed parameter becomes 422 with
``{"error": ...}`` naming it; anything else becomes 500 ``{"error": "internal error"}`` with no
traceback. CORS is off (no CORS middleware): browsers refuse cross-origin reads.
"""

from __future__ import annotations

import gc
import importlib.resources
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from tariffline.errors import TariffLineError
from tariffline.web import api_routes, pages
from tariffline.web.encoding import CliJSONResponse
from tariffline.web.health import warm

log = logging.getLogger("tariffline.web")


@asynccontextmanager
async def _lifespan(app: FastAPI):
    warm()
    # What start-up loaded lives as long as the process: keep it out of the cyclic garbage
    # collector's full passes (one took ~200 ms with the policy and libraries loaded, a pause
    # every request waiting then would see).
    gc.collect()
    gc.freeze()
    yield


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(x) for x in err.get("loc", ())[1:]) or "request"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


def create_app() -> FastAPI:
    app = FastAPI(title="tariffline", lifespan=_lifespan,
                  description="U.S.-Japan tariffs as computable, cited, time-aware policy: the CLI's "
                              "verbs over HTTP, with the same parameters and JSON as `--json`.")

    @app.exception_handler(TariffLineError)
    async def _user_error(request: Request, exc: TariffLineError):
        status = 413 if isinstance(exc, api_routes.UploadTooLarge) else 400
        if not request.url.path.startswith("/api/"):
            return pages.error_page(request, str(exc), status)
        return CliJSONResponse({"error": str(exc)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _bad_param(request: Request, exc: RequestValidationError):
        msg = _validation_message(exc)
        if not request.url.path.startswith("/api/"):
            return pages.error_page(request, msg, 422)
        return CliJSONResponse({"error": msg}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        return CliJSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return CliJSONResponse({"error": "internal error"}, status_code=500)

    app.include_router(api_routes.router)
    app.include_router(pages.router)
    static = importlib.resources.files("tariffline.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app
