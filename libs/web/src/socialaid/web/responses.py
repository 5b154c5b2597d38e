"""The JSON response every endpoint answers with: the same bytes as Starlette's ``JSONResponse``
(compact, UTF-8, non-ASCII kept), encoded by :func:`socialaid.core.jsontext.dumps_bytes`."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from socialaid.core.jsontext import dumps_bytes


class JsonResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return dumps_bytes(content)
