"""Where the API asks its worker for /healthz (no I/O)."""

from __future__ import annotations

import pytest

from socialaid.web.observability import worker_health_url


@pytest.mark.parametrize(
    ("host", "port", "url", "expected"),
    [
        ("127.0.0.1", 9001, None, "http://127.0.0.1:9001/healthz"),
        ("0.0.0.0", 9000, None, "http://127.0.0.1:9000/healthz"),  # a wildcard bind: loopback
        ("::", 9000, None, "http://[::1]:9000/healthz"),
        ("::1", 9000, None, "http://[::1]:9000/healthz"),
        ("0.0.0.0", 9000, "http://intake-worker:9000/healthz", "http://intake-worker:9000/healthz"),
        ("127.0.0.1", None, None, None),  # no worker port: the check is skipped
    ],
)
def test_the_api_asks_its_worker_where_it_listens(
    host: str, port: int | None, url: str | None, expected: str | None
) -> None:
    assert worker_health_url(host, port, url) == expected
