"""The worker class gunicorn runs (bin/serve): uvicorn's, plus the WebSocket message limit.

Gunicorn has no flag for uvicorn's --ws-max-size: a worker class is uvicorn-worker's documented
way to pass it.
"""

import os

from uvicorn_worker import UvicornWorker as BaseUvicornWorker


class UvicornWorker(BaseUvicornWorker):
    # A larger message closes its socket with 1009; bin/serve exports the limit.
    CONFIG_KWARGS = {
        **BaseUvicornWorker.CONFIG_KWARGS,
        "ws_max_size": int(os.environ.get("WEBSOCKET_MAX_MESSAGE_BYTES", "65536")),
    }
