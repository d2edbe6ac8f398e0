"""Redis for real (REDIS_URL): the cache, and /health/ while Redis is away."""

import uuid

import pytest
import redis.asyncio as redis
from django.core.cache import cache
from django.test import AsyncClient

from {{ cookiecutter.project_slug }}.health import checks as health_checks

from tests.api_client import api_client, post_json
from tests.plugins.redis_service import RedisSwitch
from tests.server import free_port


async def test_the_cache_lives_in_redis(settings):
    key = f"test-{uuid.uuid4().hex}"
    await cache.aset(key, "value", timeout=30)
    client = redis.from_url(settings.REDIS_URL)
    try:
        stored = await client.keys(f"*{key}")
    finally:
        await client.aclose()
    assert [name.decode() for name in stored] == [cache.make_key(key)]
    assert await cache.aget(key) == "value"
    await cache.adelete(key)


def with_the_token(settings) -> dict[str, str]:
    """The header that shows /health/'s details."""
    return {"Authorization": f"Bearer {settings.HEALTH_CHECK_TOKEN}"}


@pytest.mark.django_db
async def test_health_names_redis_while_it_is_down_and_recovers(
    switch: RedisSwitch, settings, monkeypatch
):
    settings.REDIS_URL = switch.url
    # Each probe runs the checks, rather than share the last second's result.
    monkeypatch.setattr(health_checks.SharedReport, "MAX_AGE", 0)
    client, token = AsyncClient(), with_the_token(settings)
    assert (await client.get("/health/", headers=token)).status_code == 200

    await switch.stop()
    down = await client.get("/health/", headers=token)
    assert down.status_code == 503
    assert down.json()["checks"]["redis"]["status"] == "error"

    await switch.start()
    assert (await client.get("/health/", headers=token)).status_code == 200


@pytest.mark.django_db
async def test_health_checks_redis_too(settings):
    response = await AsyncClient().get("/health/", headers=with_the_token(settings))

    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "cache", "redis"}


@pytest.mark.django_db
async def test_a_redis_cache_that_is_down_is_named(settings):
    down = f"redis://:cache-password@127.0.0.1:{free_port()}/0"
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": down}}

    response = await AsyncClient().get("/health/", headers=with_the_token(settings))
    body = response.json()

    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["checks"]["cache"] == {"status": "error", "error": "ConnectionError"}
    assert body["checks"]["database"]["status"] == "ok"
    assert "cache-password" not in str(body)


@pytest.mark.django_db
async def test_a_redis_that_is_down_is_named(settings):
    settings.REDIS_URL = f"redis://:redis-password@127.0.0.1:{free_port()}/0"

    response = await AsyncClient().get("/health/", headers=with_the_token(settings))
    body = response.json()

    assert response.status_code == 503
    assert body["checks"]["redis"] == {"status": "error", "error": "ConnectionError"}
    assert "redis-password" not in str(body)


@pytest.mark.django_db(transaction=True)
async def test_a_message_posted_while_the_cache_is_down_is_stored(settings):
    # The rate limits count in the cache: while it is down they let clients through.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}
    }

    async with api_client() as api:
        response = await post_json(api, "/api/rooms/cache-outage/messages/", {"text": "kept"})

    assert response.status_code == 201, response.content
