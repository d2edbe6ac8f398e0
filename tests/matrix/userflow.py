"""Run what a user runs, exactly as written, and say which command failed and what it printed.

A `Shell` runs one command after another the way a terminal session does: each in bash, keeping
what a command changes for the next ones (`export`, `cd`, GitHub's `$GITHUB_ENV`). Two things
are provided rather than run: the services (a command or CI file that points DATABASE_URL or
REDIS_URL at its own PostgreSQL or Redis gets the suite's instead, as a CI runner's service
containers would be) and the server a command starts (`bin/serve` runs until it answers `/`,
then gets SIGTERM, since it would never exit by itself).
"""

import os
import shlex
import signal
import subprocess
import tempfile
import time
import urllib.request
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from matrix.commands import Command
from matrix.services import free_port

# Output kept from a failing command: enough for a traceback, short enough to read.
TAIL_LINES = 80
COMMAND_TIMEOUT = 900
SERVER_START_TIMEOUT = 60
# The services a command may name, and the kind of service each is.
SERVICE_VARIABLES = {"DATABASE_URL": "postgres", "REDIS_URL": "redis"}
# A command that starts the project's server, which runs until stopped.
SERVER_COMMAND = "bin/serve"


@dataclass
class Ran:
    command: Command
    status: str  # "passed", "failed" or "skipped"
    seconds: float = 0.0
    output: str = ""  # the tail of a failure's output, or why it was skipped

    def describe(self) -> str:
        text = f"{self.command.where}\n$ {self.command.text}"
        if self.status == "failed":
            return f"{text}\nfailed after {self.seconds:.0f} s:\n{self.output}"
        return f"{text}\n{self.status}{f' ({self.output})' if self.output else ''}"


@dataclass
class Shell:
    cwd: Path
    env: dict[str, str]
    services: dict[str, str]  # variable -> the suite's URL for this tree
    log_dir: Path
    github_env: Path | None = None  # GitHub's $GITHUB_ENV file, for workflow steps
    ran: list[Ran] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.env = self._with_services(self.env)
        if self.github_env is not None:
            self.github_env.touch()
            self.env["GITHUB_ENV"] = str(self.github_env)

    def _with_services(self, env: dict[str, str]) -> dict[str, str]:
        return env | {name: url for name, url in self.services.items() if name in env}

    def run(self, command: Command) -> Ran:
        started = time.perf_counter()
        log = self.log_dir / f"{len(self.ran):02d}.log"
        env = self._with_services(self.env | command.env)
        if starts_server(command.text):
            ok, output = self._serve(command, env, log)
        else:
            ok, output = self._execute(command, env, log)
        result = Ran(command, "passed" if ok else "failed", time.perf_counter() - started, output)
        self.ran.append(result)
        return result

    def skip(self, command: Command, why: str) -> Ran:
        result = Ran(command, "skipped", output=why)
        self.ran.append(result)
        return result

    def _execute(self, command: Command, env: dict[str, str], log: Path) -> tuple[bool, str]:
        state = log.with_suffix(".env")
        # set -e and pipefail, as CI runners run a step; what the command leaves behind (its
        # exports, the directory it moved to) is read back only when it succeeded.
        script = (
            f"set -eo pipefail\n{command.text}\n"
            f"env -0 > {shlex.quote(str(state))}; pwd >> {shlex.quote(str(state))}"
        )
        with log.open("w") as out:
            try:
                status = subprocess.run(
                    ["bash", "--noprofile", "--norc", "-c", script], cwd=self.cwd, env=env,
                    stdout=out, stderr=subprocess.STDOUT, timeout=COMMAND_TIMEOUT, check=False,
                ).returncode  # fmt: skip
            except subprocess.TimeoutExpired:
                status = f"timed out after {COMMAND_TIMEOUT} s"
        if status != 0:
            return False, f"exited {status}:\n{tail(log)}"
        *variables, cwd = state.read_text().split("\0")
        after = dict(item.split("=", 1) for item in variables if "=" in item)
        for name, value in command.env.items():  # a step's own env ends with the step
            if after.get(name) == value and self.env.get(name) != value:
                after.pop(name)
        self.env = self._with_services(after | self._read_github_env())
        self.cwd = Path(cwd.strip())
        return True, ""

    def _read_github_env(self) -> dict[str, str]:
        if self.github_env is None:
            return {}
        found = dict(
            line.split("=", 1) for line in self.github_env.read_text().splitlines() if "=" in line
        )
        self.github_env.write_text("")
        return found

    def _serve(self, command: Command, env: dict[str, str], log: Path) -> tuple[bool, str]:
        """Start the server as written, wait for it to answer `/` with 200, then stop it."""
        env = {**env, "PORT": str(free_port())}
        url = f"http://127.0.0.1:{env['PORT']}/"
        with log.open("w") as out:
            process = subprocess.Popen(
                ["bash", "--noprofile", "--norc", "-c", command.text], cwd=self.cwd, env=env,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    return (
                        False,
                        f"exited {process.returncode} before answering {url}:\n{tail(log)}",
                    )
                with suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return True, ""
                time.sleep(0.2)
            return (
                False,
                f"did not answer {url} with 200 within {SERVER_START_TIMEOUT} s:\n{tail(log)}",
            )
        finally:
            stop(process)


def starts_server(text: str) -> bool:
    try:
        words = shlex.split(text, comments=True)
    except ValueError:  # unbalanced quotes: bash will say so when it runs
        words = text.split()
    return SERVER_COMMAND in words


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the whole process group (a deploy's stop), then SIGKILL to what is left."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(10)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-TAIL_LINES:])


def scratch(parent: Path, prefix: str) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
