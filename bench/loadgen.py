"""Load generators and process probes: wrk for throughput, a raw asyncio burst for concurrency,
and /proc readers for a server's processes, threads and CPU time. Standard library only."""

import asyncio
import os
import re
import subprocess
import threading
import time
from dataclasses import dataclass

# --- wrk ---------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, seconds: float, connections: int = 50, threads: int = 1) -> WrkResult:
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return WrkResult(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_ms(latency["50"]),
        p99_ms=_ms(latency["99"]),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(map(int, errors.groups())) if errors else 0,
    )


# --- /proc -------------------------------------------------------------------------------------


def group_pids(pgid: int) -> list[int]:
    """Every live process of a process group (a server started with start_new_session)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after "(comm)": state, ppid, pgrp, ...
            pids.append(int(entry))
    return pids


def threads_of(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads, so far."""
    return cpu_ticks(pid) / CLOCK_TICKS


def cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except OSError:
        return 0


class ThreadSampler:
    """Samples the Threads line of every given process every `interval` seconds, in a thread.

    `peak` is the highest per-process count seen (the serving worker's, for multi-process servers).
    """

    def __init__(self, pids: list[int], interval: float = 0.002) -> None:
        self.pids = pids
        self.interval = interval
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max([self.peak, *(threads_of(pid) for pid in self.pids)])
            self.samples += 1
            time.sleep(self.interval)

    def __enter__(self) -> "ThreadSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        # One more sample's worth so the last requests' threads are seen before they exit.
        time.sleep(self.interval * 2)
        self._stop.set()
        self._thread.join()


# --- concurrency burst ---------------------------------------------------------------------------


async def _one_request(port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        data = await reader.read()  # to EOF: Connection: close
    finally:
        writer.close()
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.") else 0


async def _burst(port: int, path: str, n: int) -> tuple[float, list[int]]:
    start = time.perf_counter()
    statuses = await asyncio.gather(
        *(_one_request(port, path) for _ in range(n)), return_exceptions=True
    )
    wall = time.perf_counter() - start
    return wall, [s if isinstance(s, int) else -1 for s in statuses]


def listen_overflows() -> int:
    """The kernel's count of connections dropped because a listen queue was full (TcpExt
    ListenOverflows, this network namespace): a dropped SYN is retried by the client after 1 s."""
    try:
        with open("/proc/net/netstat") as netstat:
            lines = [line.split() for line in netstat if line.startswith("TcpExt:")]
        return int(dict(zip(lines[0], lines[1], strict=True))["ListenOverflows"])
    except (OSError, IndexError, KeyError, ValueError):
        return 0


@dataclass
class Burst:
    wall: float
    threads: int
    failed: int
    listen_overflows: int


def burst(port: int, path: str, n: int, pids: list[int]) -> Burst:
    """n concurrent GETs (each on its own connection, opened together): wall seconds from the
    first connect to the last response, the peak thread count, how many were not 200, and the
    listen-queue overflows meanwhile (other processes' too, if any overflowed at that moment)."""
    overflows = listen_overflows()
    with ThreadSampler(pids) as sampler:
        wall, statuses = asyncio.run(_burst(port, path, n))
    return Burst(
        wall,
        sampler.peak,
        sum(status != 200 for status in statuses),
        listen_overflows() - overflows,
    )


def http_get_status(port: int, path: str, timeout: float = 2.0) -> int:
    async def get() -> int:
        return await asyncio.wait_for(_one_request(port, path), timeout)

    try:
        return asyncio.run(get())
    except (TimeoutError, OSError, ValueError, IndexError):
        return 0
