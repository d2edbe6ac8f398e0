"""A fresh channel layer for every test, so that no test hears another's rooms."""

import copy
import uuid

import pytest


@pytest.fixture(autouse=True)
def channel_layers(settings) -> None:
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    # A layer that keeps its messages outside this process gets a key prefix of the test's own.
    config = layers["default"].get("CONFIG", {})
    if "prefix" in config:
        config["prefix"] = f"test-{uuid.uuid4().hex}:asgi:"
    # Channels drops its cached layers when this setting changes.
    settings.CHANNEL_LAYERS = layers
