"""Log records that carry the request id, and a JSON formatter for production (one object a line).

Imported by LOGGING while settings load: this module must not import Django's models or views.
"""

import json
import logging
import time
from contextvars import ContextVar

# Set by RequestIDMiddleware for the duration of a request. A contextvar follows the request
# into its tasks and into sync_to_async threads (asgiref copies the context).
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

NO_REQUEST = "-"


class RequestIDFilter(logging.Filter):
    """Put `request_id` on every record: the current request's id, or "-" outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs 4xx/5xx responses ("django.request") after the middleware chain has
        # returned, but it puts the request on the record.
        request = getattr(record, "request", None)
        record.request_id = request_id.get() or getattr(request, "request_id", None) or NO_REQUEST
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request_id, and exc_info if any."""

    # ISO 8601 in UTC with milliseconds and a Z: YYYY-MM-DDTHH:MM:SS.mmmZ.
    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_REQUEST),
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)
