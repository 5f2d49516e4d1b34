"""A request id on every log line: taken from the proxy's X-Request-ID when it is sane, made
here otherwise, returned in the response so a resident's report can be matched to the logs."""

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from logging import Filter, LogRecord

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# What a proxy may send: letters, digits and a few separators, bounded (it lands in every log).
_SANE = re.compile(r"[A-Za-z0-9._:-]{8,64}")

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")


class RequestIdMiddleware:
    """First in the chain, so everything the request logs carries its id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get(HEADER, "")
        request_id = sent if _SANE.fullmatch(sent) else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(Filter):
    """Adds `request_id` to each record ("-" outside a request: a worker, a command)."""

    def filter(self, record: LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True
