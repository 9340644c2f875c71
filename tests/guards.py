"""A middleware for the test suite that remembers every response with a 5xx status.

The autouse fixture in conftest.py fails any test during which the server answered 500, so "no
input produces a server error" is checked across every request the suite makes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

SERVER_ERRORS: list[str] = []


class ServerErrorRecorder:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except Exception as exc:
            SERVER_ERRORS.append(f"{request.method} {request.get_full_path()} raised {exc!r}")
            raise
        if response.status_code >= 500:
            SERVER_ERRORS.append(
                f"{request.method} {request.get_full_path()} -> {response.status_code}"
            )
        return response
