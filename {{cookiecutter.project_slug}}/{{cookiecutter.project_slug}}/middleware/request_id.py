"""X-Request-ID: each request's id, echoed on the response and put on its log records."""

import re
import uuid

from django.http import HttpRequest, HttpResponseBase

from {{ cookiecutter.project_slug }}.log_format import request_id

from .base import AsyncMiddleware

REQUEST_ID_HEADER = "X-Request-ID"
# What we accept from a client or a proxy: short, and safe in a header and a log line.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


class RequestIDMiddleware(AsyncMiddleware):
    """Give each request an id: the caller's X-Request-ID when well-formed, else a fresh one.

    The id is echoed on the response and, through a contextvar, put on every log record
    of the request (see `log_format.RequestIDFilter`).
    """

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        # Also on the request: Django logs 4xx/5xx responses after the middleware chain has
        # returned, with the request on the record, where the filter finds the id.
        request.request_id = rid
        token = request_id.set(rid)
        try:
            response = await self.get_response(request)
        finally:
            request_id.reset(token)
        response[REQUEST_ID_HEADER] = rid
        return response
