"""Django's mail settings from one EMAIL_URL, in django-environ's form.

    smtp://user:password@host:25     smtp+tls://...:587 (STARTTLS)     smtp+ssl://...:465
    consolemail:// (printed)         memorymail:// (django.core.mail.outbox, for tests)

A settings module applies them with `vars().update(mail_settings(url))`.
"""

from typing import Any

import environ
{%- if cookiecutter.django_version == "6.1" %}

# django-environ's setting names -> the options of Django's mail backends.
OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
    "EMAIL_FILE_PATH": "file_path",
}
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
{%- endif %}


def mail_settings(url: str, timeout: float = 10.0) -> dict[str, Any]:
{%- if cookiecutter.django_version == "6.1" %}
    """MAILERS with the one mailer, "default" (Django 6.1 deprecates the EMAIL_* settings).

    `timeout`: seconds an SMTP server may take to answer, so one that hangs cannot hold a task
    (and the worker's shutdown) for ever.
    """
    config = environ.Env.email_url_config(url)
    # Only what the URL gives: a backend refuses options it does not know.
    options = {option: config[name] for name, option in OPTIONS.items() if config.get(name)}
    if config["EMAIL_BACKEND"] == SMTP_BACKEND:
        options["timeout"] = timeout
    return {"MAILERS": {"default": {"BACKEND": config["EMAIL_BACKEND"], "OPTIONS": options}}}
{%- else %}
    """EMAIL_BACKEND, EMAIL_HOST and the rest.

    `timeout`: seconds an SMTP server may take to answer, so one that hangs cannot hold a task
    (and the worker's shutdown) for ever.
    """
    return {**environ.Env.email_url_config(url), "EMAIL_TIMEOUT": timeout}
{%- endif %}
