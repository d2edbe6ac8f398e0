"""A real SMTP server in the test process (aiosmtpd), for the task worker to deliver to."""

import asyncio
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.server import free_port

# Generous: the machine running the tests may be busy; a passing test never waits this long.
TIMEOUT = 30.0


class Recorder:
    """aiosmtpd's handler: keeps each message, and can hold one mid-delivery until released."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.held_recipient: str | None = None
        self.receiving = threading.Event()  # the held recipient's message is being delivered
        self.released = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.held_recipient in envelope.rcpt_tos:
            self.receiving.set()
            # The client waits for this answer meanwhile, as on a slow mail server.
            await asyncio.to_thread(self.released.wait, TIMEOUT)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


class MailServer:
    """`with MailServer() as smtp:` listens on 127.0.0.1:smtp.port until the block ends."""

    def __init__(self) -> None:
        self.recorder = Recorder()
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "MailServer":
        self.controller.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.recorder.released.set()
        self.controller.stop()

    @property
    def url(self) -> str:
        """EMAIL_URL for the project's processes."""
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[EmailMessage]:
        return self.recorder.messages

    def hold(self, recipient: str) -> None:
        """Delivery of a message to this address waits for release(); others pass."""
        self.recorder.receiving.clear()
        self.recorder.released.clear()
        self.recorder.held_recipient = recipient

    def release(self) -> None:
        self.recorder.released.set()

    def wait_until_receiving(self) -> None:
        """Return once the held message is being delivered."""
        assert self.recorder.receiving.wait(TIMEOUT), "the held message never came"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]
