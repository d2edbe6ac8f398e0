"""The production check that guards an in-memory channel layer (rooms/checks.py)."""

from django.core import checks

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def deploy_check_ids() -> list[str]:
    return [message.id for message in checks.run_checks(include_deployment_checks=True)]


def test_an_in_memory_layer_across_processes_fails_the_deploy_checks(settings):
    settings.CHANNEL_LAYERS = IN_MEMORY
    settings.WEB_CONCURRENCY = 2
    assert "core.W001" in deploy_check_ids()
    # Not a development nuisance: only `check --deploy` runs it.
    assert "core.W001" not in [message.id for message in checks.run_checks()]


def test_one_process_or_a_shared_layer_passes_the_check(settings):
    settings.CHANNEL_LAYERS = IN_MEMORY
    settings.WEB_CONCURRENCY = 1
    assert "core.W001" not in deploy_check_ids()

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer"}}
    settings.WEB_CONCURRENCY = 4
    assert "core.W001" not in deploy_check_ids()
