"""WebSocket measurements against the room consumer at /ws/rooms/<slug>/ (rooms/consumers.py).

Frames out of the server carry a `type`: "history" once on connect, then "message" (a stored
message: id, room, author, text, created), "join", "leave" and "error". A frame in is
{"text": "..."}: the consumer stores it and broadcasts it to the room, the sender included.
Anything else gets an "error" frame back without touching the database or the channel layer.
"""

import asyncio
import json
import time
import uuid
from dataclasses import dataclass

from websockets.asyncio.client import ClientConnection, connect


async def open_member(base: str, slug: str) -> ClientConnection:
    """Join a room the way live.js does: same-origin Origin header, then wait for the history."""
    origin = base.replace("ws://", "http://")
    ws = await connect(f"{base}/ws/rooms/{slug}/", origin=origin, open_timeout=30, max_queue=None)
    while True:
        frame = json.loads(await ws.recv())
        if frame["type"] == "history":
            return ws


async def _roundtrips(base: str, seconds: float, payload: str, wanted: str) -> float:
    slug = f"echo-{uuid.uuid4().hex[:8]}"
    ws = await open_member(base, slug)
    try:
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            await ws.send(payload.replace("#", str(count)))
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == wanted:
                    break
            count += 1
        return count / (time.perf_counter() - start)
    finally:
        await ws.close()


def roundtrips(base: str, seconds: float) -> dict[str, float]:
    """Round trips per second on one connection, one frame in flight at a time."""
    return {
        # An object without "text": the consumer answers with an error frame (no DB, no layer).
        "error": asyncio.run(_roundtrips(base, seconds, '{"ping": #}', "error")),
        # A real message: stored in the database and broadcast back through the channel layer.
        "message": asyncio.run(_roundtrips(base, seconds, '{"text": "echo #"}', "message")),
    }


@dataclass
class Fanout:
    clients: int
    messages: int
    delivered: int
    seconds: float
    errors: int
    sent: int  # frames the sender's socket took
    processed: int  # the sender's own copies back: messages the server stored and broadcast
    fewest: int  # the least any one member received
    ended: str  # "complete", "lost" (all processed, the rest never came) or "stalled"

    @property
    def expected(self) -> int:
        return self.clients * self.messages

    @property
    def messages_per_second(self) -> float:
        """Messages posted and delivered to the whole room, per second (delivered/clients/s)."""
        return self.delivered / self.clients / self.seconds if self.seconds else 0.0

    @property
    def deliveries_per_second(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0


async def _fanout(
    bases: list[str], clients: int, messages: int, idle_timeout: float, stall_timeout: float
) -> Fanout:
    slug = f"fanout-{uuid.uuid4().hex[:8]}"
    marker = uuid.uuid4().hex[:8]
    # Spread the members over the servers (round robin); member 0, on the first server, sends.
    members = []
    # Joins in small batches: a burst of handshakes is not the test.
    for start in range(0, clients, 10):
        batch = [bases[i % len(bases)] for i in range(start, min(start + 10, clients))]
        members += await asyncio.gather(*(open_member(base, slug) for base in batch))
    await asyncio.sleep(0.5)  # let the join announcements drain

    seen = [set() for _ in members]
    errors = sent = 0
    last_delivery = time.perf_counter()
    done = asyncio.Event()
    remaining = clients

    async def read(index: int, ws: ClientConnection) -> None:
        nonlocal errors, last_delivery, remaining
        async for raw in ws:
            frame = json.loads(raw)
            if frame["type"] == "message" and frame["text"].startswith(marker):
                seen[index].add(frame["text"])
                last_delivery = time.perf_counter()
                if len(seen[index]) == messages:
                    remaining -= 1
                    if not remaining:
                        done.set()
            elif frame["type"] == "error":
                errors += 1

    async def send() -> None:
        nonlocal sent
        for i in range(messages):
            await members[0].send(json.dumps({"text": f"{marker} {i}"}))
            sent += 1

    readers = [asyncio.create_task(read(i, ws)) for i, ws in enumerate(members)]
    start = time.perf_counter()
    sender = asyncio.create_task(send())
    # Until every delivery arrived; or, once the server has broadcast every message (the sender
    # got its own copies back), until nothing arrived for idle_timeout: the rest were dropped;
    # or until nothing at all arrived for stall_timeout.
    ended = "complete"
    while not done.is_set():
        try:
            await asyncio.wait_for(done.wait(), 0.25)
        except TimeoutError:
            idle = time.perf_counter() - last_delivery
            if len(seen[0]) == messages and idle > idle_timeout:
                ended = "lost"
                break
            if idle > stall_timeout:
                ended = "stalled"
                break
    end = last_delivery
    for task in [sender, *readers]:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in members), return_exceptions=True)
    counts = [len(s) for s in seen]
    return Fanout(
        clients, messages, sum(counts), end - start, errors, sent, counts[0], min(counts), ended
    )


def fanout(
    bases: list[str],
    clients: int,
    messages: int,
    idle_timeout: float = 5.0,
    stall_timeout: float = 30.0,
) -> Fanout:
    """`clients` members of one room (spread over `bases`), one of them posts `messages` messages
    as fast as its socket takes them; every member should receive every message."""
    return asyncio.run(_fanout(bases, clients, messages, idle_timeout, stall_timeout))
