"""Hypercorn's own lines go through Django's LOGGING (config/hypercorn.py): once each, as JSON."""

import json

from tests.server import Server
from tests.server_behaviour import HYPERCORN_LISTENING


def test_hypercorn_logs_that_it_listens_once_as_json(shared_server: Server):
    log = shared_server.log()
    # Not also in Hypercorn's own plain format.
    (listening,) = [line for line in log.splitlines() if HYPERCORN_LISTENING in line]
    assert json.loads(listening)["logger"] == "hypercorn.error", log
