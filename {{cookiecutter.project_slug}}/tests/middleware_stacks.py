"""Django's own middleware stack, and the project's async-native one that replaces it."""

DJANGO_STACK = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# Same class names, in the project's module.
ASYNC_MODULE = "{{ cookiecutter.project_slug }}.middleware.django_async_native"
ASYNC_STACK = [f"{ASYNC_MODULE}.{dotted.rsplit('.', 1)[1]}" for dotted in DJANGO_STACK]
# The development-only watcher local settings put in front of the stack.
LOOP_BLOCK = "{{ cookiecutter.project_slug }}.middleware.loop_block.LoopBlockMiddleware"
