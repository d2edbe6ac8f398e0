"""Settings: production refuses to start half-configured, and passes Django's deployment checks."""

import uuid

import pytest
from django.conf import settings

from tests.mail_server import MailServer
from tests.production import PRODUCTION_ENV, production_settings, run

ADDRESS = f"settings-{uuid.uuid4().hex[:8]}@example.com"
# Without django.setup(): sending mail needs only the settings.
SEND_A_MAIL = (
    f"from django.core.mail import send_mail; send_mail('Hi', 'Body', None, [{ADDRESS!r}])"
)


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}

    result = run("manage.py", "check", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def load_production_settings(**env: str) -> str:
    """What loading production settings, and nothing else, writes to stderr."""
    result = run("-c", "from django.conf import settings; settings.DEBUG", **env)
    assert result.returncode != 0, "the settings loaded"
    return result.stderr


@pytest.mark.parametrize(
    ("key", "refusal"),
    [
        # .env.example's, which every copy of the project's source holds.
        ("replace-me-with-a-long-random-string", "SECRET_KEY is the placeholder from .env.example"),
        ("0123456789" * 4 + "abcdefghi", "SECRET_KEY is too short or too plain (49 characters)"),
        ("abcd" * 20, "SECRET_KEY is too short or too plain (80 characters)"),
    ],
    ids=["placeholder", "49-characters", "4-different-characters"],
)
def test_production_refuses_a_guessable_secret_key(key: str, refusal: str):
    stderr = load_production_settings(**{**PRODUCTION_ENV, "SECRET_KEY": key})

    # One sentence, naming the setting.
    assert f"ImproperlyConfigured: {refusal}" in stderr, stderr


def test_a_malformed_rate_limit_is_refused():
    stderr = load_production_settings(**{**PRODUCTION_ENV, "RATE_LIMIT_API_WRITES": "60 a minute"})

    assert "ImproperlyConfigured: RATE_LIMIT_API_WRITES is '60 a minute'" in stderr, stderr


def test_production_passes_the_deployment_checks():
    result = run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checks_see_our_middleware_as_djangos():
    # Our async classes extend Django's under other names: Django's checks must still run.
    result = run("manage.py", "check", "--deploy", **{**PRODUCTION_ENV, "SECURE_HSTS_SECONDS": "0"})

    assert "security.W004" in result.stderr, result.stderr
    assert "security.W001" not in result.stderr


def test_production_is_secure_by_default():
    values = production_settings(
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "X_FRAME_OPTIONS",
        "SECURE_PROXY_SSL_HEADER",
    )

    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
        # Trusting a proxy's header is opt-in: a client could send it too.
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_production_limits_every_door_by_default():
    names = ["RATE_LIMIT_API_WRITES", "RATE_LIMIT_LOGIN_FAILURES", "TRUSTED_PROXIES"]
    names += ["RATE_LIMIT_WEBSOCKET_MESSAGES", "WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT"]
    names += ["WEBSOCKET_ALLOWED_ORIGINS", "HEALTH_CHECK_TOKEN", "SECURE_CSP"]
    values = production_settings(*names)

    assert values["RATE_LIMIT_API_WRITES"] == [60, 60]
    assert values["RATE_LIMIT_LOGIN_FAILURES"] == [5, 900]
    # No proxy is trusted until one is named: a client could send X-Forwarded-For itself.
    assert values["TRUSTED_PROXIES"] == []
    # /health/'s details are for nobody until a token is set.
    assert values["HEALTH_CHECK_TOKEN"] == ""
    assert values["SECURE_CSP"]["default-src"] == ["'self'"]
    if "channels" in settings.INSTALLED_APPS:
        assert values["RATE_LIMIT_WEBSOCKET_MESSAGES"] == [20, 10]
        assert values["WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT"] == 50
        # The production domain's https origin only.
        assert values["WEBSOCKET_ALLOWED_ORIGINS"] == [f"https://{PRODUCTION_ENV['ALLOWED_HOSTS']}"]
        assert values["SECURE_CSP"]["connect-src"] == [
            "'self'",
            f"wss://{PRODUCTION_ENV['ALLOWED_HOSTS']}",
        ]


def test_the_environment_configures_production():
    values = production_settings(
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "DEFAULT_FROM_EMAIL",
        "ADMIN_URL",
        "ROOMS_ALLOW_ANONYMOUS",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="3600",
        ALLOWED_HOSTS="a.example,b.example",
        CSRF_TRUSTED_ORIGINS="https://a.example",
        DEFAULT_FROM_EMAIL="Chat <chat@a.example>",
        ADMIN_URL="backstage/",
        ROOMS_ALLOW_ANONYMOUS="false",
    )

    assert values == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 3600,
        "ALLOWED_HOSTS": ["a.example", "b.example"],
        "CSRF_TRUSTED_ORIGINS": ["https://a.example"],
        "DEFAULT_FROM_EMAIL": "Chat <chat@a.example>",
        "ADMIN_URL": "backstage/",
        "ROOMS_ALLOW_ANONYMOUS": False,
    }


def test_the_database_suits_async_views():
    database = settings.DATABASES["default"]

    # Django cannot run an async view inside a transaction.
    assert database["ATOMIC_REQUESTS"] is False


def test_production_sends_mail_to_the_email_url_from_the_default_address(mail_server: MailServer):
    result = run("-c", SEND_A_MAIL, **PRODUCTION_ENV, EMAIL_URL=mail_server.url)

    assert result.returncode == 0, result.stderr
    [message] = mail_server.to(ADDRESS)
    assert (message["From"], message["Subject"]) == ("noreply@{{ cookiecutter.domain_name }}", "Hi")


def test_local_settings_print_mail_instead_of_sending_it():
    result = run("-c", SEND_A_MAIL, DJANGO_SETTINGS_MODULE="config.settings.local")

    assert result.returncode == 0, result.stderr
    assert "Subject: Hi" in result.stdout
    assert f"To: {ADDRESS}" in result.stdout
