"""The API's one error shape, `{"errors": {field: [message, ...]}}`, whichever framework answers.

Every refusal is an ApiError: a status, messages per field ("__all__" for the request as a
whole) and the headers that go with it (Retry-After on a 429). Each framework's adapter turns it
into a response.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.csrf import csrf_failure as django_csrf_failure

# Where the API's URLs start: refusals under it are JSON, in the shape above.
API_PREFIX = "/api/"
CSRF_FAILED = "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header."

FieldErrors = dict[str, list[str]]


class ApiError(Exception):
    """An answer other than success: `status`, with `{"errors": errors}` as the body."""

    def __init__(
        self, status: int, errors: FieldErrors, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, errors)
        self.status = status
        self.errors = errors
        self.headers = headers or {}

    @classmethod
    def about_request(cls, status: int, message: str) -> "ApiError":
        """An error about the request as a whole rather than one of its fields."""
        return cls(status, {NON_FIELD_ERRORS: [message]})

    @classmethod
    def invalid(cls, error: ValidationError) -> "ApiError":
        """A 400 naming each field Django's validation refused."""
        return cls(400, error.message_dict)

    @property
    def body(self) -> dict[str, FieldErrors]:
        return {"errors": self.errors}


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a 403 in the API's shape under /api/, Django's page elsewhere.

    Django logs the reason (the django.security.csrf logger) either way.
    """
    if request.path.startswith(API_PREFIX):
        error = ApiError.about_request(403, CSRF_FAILED)
        return JsonResponse(error.body, status=error.status)
    return django_csrf_failure(request, reason)
