"""Real faults for the fault suite: a tiny tmpfs (full disk), a read-only mount, a frozen PostgreSQL
server (SIGSTOP), and the bot's command line as a real process.

Mounting needs root (the CI machine runs the tests as root); where mounting is impossible the
tests that need it skip and say why.
"""
from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pg_server import PostgresServer

ROOT = Path(__file__).resolve().parent.parent
UNANSWERABLE = [f"Quel est le salaire d'un technicien numéro {i} chez Chematech ?" for i in range(30)]
PROMISES = ("transmis", "passed it on", "passed your question on", "passed the question on")


@contextlib.contextmanager
def tmpfs(path: Path, size: str = "1m") -> Iterator[Path]:
    """A tmpfs of `size` mounted at `path` for the test (a small, real disk that fills up)."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs ({done.stderr.strip() or 'mount failed'}): "
                    "the disk fault tests need root and mount rights")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def remount_read_only(path: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True, capture_output=True)


def fill(directory: Path, leave: int = 0) -> Path:
    """Fill the file system of `directory`, leaving about `leave` bytes; returns the filler file."""
    filler = directory / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                free = os.statvfs(directory).f_bavail * os.statvfs(directory).f_frsize
                if free <= leave:
                    break
                out.write(b"\0" * max(1, min(65536, free - leave)))
                out.flush()
        except OSError:
            pass
    return filler


def server_pids(server: PostgresServer) -> list[int]:
    """The postmaster and every process it started (the backends serving open connections)."""
    assert server._process is not None
    root = server._process.pid
    pids = [root]
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == root:
            pids.append(int(name))
    return pids


@contextlib.contextmanager
def frozen(server: PostgresServer) -> Iterator[None]:
    """The server frozen (SIGSTOP), not down: its sockets stay open and never answer."""
    pids = server_pids(server)
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


def bot_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATA_DIR": str(data_dir),
           "PSEUDONYM_SECRET": "fault-suite-secret-0123456789"}
    env.update(extra)
    return env


# Runs `bot` as __main__ and, at exit, reports the process's own peak memory on its last stderr line.
# VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the forking parent (pytest).
_MEASURED = ("import atexit, re, runpy, sys\n"
             "def peak():\n"
             "    status = open('/proc/self/status').read()\n"
             "    sys.stderr.write('\\nPEAK_RSS_KIB ' + re.search(r'VmHWM:\\s+(\\d+)', status).group(1) + '\\n')\n"
             "atexit.register(peak)\n"
             "sys.argv = ['bot'] + sys.argv[1:]\n"
             "runpy.run_module('bot', run_name='__main__')\n")


def run_cli(args: list[str], env: dict[str, str], stdin: str = "", timeout: float = 120,
            cpu_seconds: int = 60) -> tuple[int, str, str, int | None]:
    """`python -m bot ARGS` as a real process; returns (exit code, stdout, stderr, peak RSS in KiB).

    RLIMIT_CPU is a guard against a hang (the process is killed and the test fails), not a timing.
    """
    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))

    process = subprocess.Popen([sys.executable, "-c", _MEASURED, *args], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=limits)
    try:
        out, err = process.communicate(stdin.encode(), timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"{args} did not finish within {timeout} s:\n{err.decode()[-2000:]}") from None
    text = err.decode()
    peak = None
    if "PEAK_RSS_KIB " in text:
        text, _, figure = text.rpartition("PEAK_RSS_KIB ")
        peak = int(figure.split()[0])
        text = text.rstrip("\n") + ("\n" if text.strip() else "")
    return process.returncode, out.decode(), text if text.strip() else "", peak


def wait_until(condition, timeout: float = 30.0, step: float = 0.02) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()
