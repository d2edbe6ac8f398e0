"""Django's Tasks API, imported by the project's code from here: `from ..tasks import task`.

{% if cookiecutter.django_version == "5.2" -%}
Django 6 ships it as `django.tasks`; on Django 5.2 the django-tasks backport provides the same
API. Moving to Django 6 changes this import and the settings' backend paths, not the tasks.
{% else -%}
Django ships it as `django.tasks`; on Django 5.2 the django-tasks backport provides the same API
under another name, and this one import is all that changes.
{% endif -%}
Tasks wait in the database (TASKS in the settings) until `bin/serve worker` runs them.
"""

{% if cookiecutter.django_version == "5.2" -%}
from django_tasks import TaskContext, TaskResultStatus, task
{%- else -%}
from django.tasks import TaskContext, TaskResultStatus, task
{%- endif %}

__all__ = ["TaskContext", "TaskResultStatus", "task"]
