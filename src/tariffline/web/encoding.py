"""JSON for HTTP answers, encoded exactly as the CLI's ``--json`` (``cli.output``): dates as ISO
text, pydantic models dumped, NaN and infinities as null."""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import Response

from tariffline.cli.output import _clean, _default


def plain(data: Any) -> Any:
    """``data`` as the plain JSON values the CLI prints (round-tripped through its encoder)."""
    return json.loads(dumps(data))


def dumps(data: Any) -> str:
    return json.dumps(_clean(data), default=_default, ensure_ascii=False)


class CliJSONResponse(Response):
    """A JSON response body identical in content to ``tariffline ... --json``."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")
