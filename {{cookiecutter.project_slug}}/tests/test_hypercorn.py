"""Hypercorn's configuration (config/hypercorn.py): its log lines, and its WebSocket failures."""

import json

from tests.server import Server
from tests.server_behaviour import SERVER


def test_hypercorn_logs_that_it_listens_once_as_json(shared_server: Server):
    log = shared_server.log()
    # Not also in Hypercorn's own plain format.
    (listening,) = [line for line in log.splitlines() if SERVER.worker_ready in line]
    assert json.loads(listening)["logger"] == "hypercorn.error", log
