"""A throw-away PostgreSQL server on 127.0.0.1, for the test suite and the benchmark.

`initdb` in a temporary directory, `postgres` started as a child process on a free port, trust
authentication, no Unix socket, durability switched off (tests never survive a crash anyway).
PostgreSQL refuses to run as root, so when we are root the server runs as the `postgres` user if
it exists, else `nobody`, in a directory chowned to that user.
"""
from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

SUPERUSER = "biovaliance"
REQUIRE_ENV = "BIOVALIANCE_REQUIRE_POSTGRES"
BINDIR_ENV = "BIOVALIANCE_PG_BINDIR"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine, or the server would not start."""


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path.parent.name)) or (0,)


def find_bindir(env: Mapping[str, str] | None = None) -> Path | None:
    """The directory holding initdb and postgres: $BIOVALIANCE_PG_BINDIR if set (and only it), else
    `pg_config --bindir`, the newest /usr/lib/postgresql/*/bin (Debian), or the PATH's initdb."""
    env = os.environ if env is None else env
    candidates: list[Path] = []
    if env.get(BINDIR_ENV):  # explicit: used alone, so a wrong value is reported, not papered over
        explicit = Path(env[BINDIR_ENV])
        return explicit if (explicit / "initdb").is_file() and (explicit / "postgres").is_file() else None
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True)
            candidates.append(Path(out.stdout.strip()))
        except (OSError, subprocess.SubprocessError):
            pass
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "postgres").is_file():
            return candidate
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unprivileged_user() -> pwd.struct_passwd | None:
    """None when we are not root; otherwise the account the server will run as."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresUnavailable("running as root and neither a 'postgres' nor a 'nobody' account exists")


def _temp_root(user: pwd.struct_passwd | None) -> str | None:
    """Where to make the server's directory: the usual temp dir, unless the server's account could
    not reach it (pytest's own temp dirs, for one, are 0700 root), then /tmp."""
    if user is None:
        return None
    path = Path(tempfile.gettempdir()).resolve()
    reachable = all(p.stat().st_mode & 0o001 for p in (path, *path.parents))
    return str(path) if reachable else "/tmp"


@dataclass
class PostgresServer:
    """One running (or stopped) server; `stop()` and `start()` may be called repeatedly."""

    bindir: Path
    basedir: Path
    port: int
    _user: pwd.struct_passwd | None = field(default=None, repr=False)
    _process: subprocess.Popen | None = field(default=None, repr=False)
    _dbs: int = 0

    @property
    def datadir(self) -> Path:
        return self.basedir / "data"

    @property
    def logfile(self) -> Path:
        return self.basedir / "postgres.log"

    @classmethod
    def create(cls, bindir: Path | None = None) -> PostgresServer:
        """initdb in a fresh temporary directory and start the server."""
        bindir = bindir or find_bindir()
        if bindir is None:
            raise PostgresUnavailable(
                "PostgreSQL server binaries (initdb, postgres) not found: install the postgresql "
                f"package, or point {BINDIR_ENV} at their directory")
        user = _unprivileged_user()
        basedir = Path(tempfile.mkdtemp(prefix="biovaliance-pg-", dir=_temp_root(user)))
        server = cls(bindir=bindir, basedir=basedir, port=free_port(), _user=user)
        try:
            if user is not None:
                os.chown(basedir, user.pw_uid, user.pw_gid)
            server._run([str(bindir / "initdb"), "-D", str(server.datadir), "-U", SUPERUSER,
                         "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"])
            server.start()
        except BaseException:
            server.destroy()
            raise
        return server

    def _as_user(self) -> dict:
        if self._user is None:
            return {}
        return {"user": self._user.pw_uid, "group": self._user.pw_gid, "extra_groups": []}

    def _run(self, argv: list[str]) -> None:
        result = subprocess.run(argv, cwd=self.basedir, capture_output=True, text=True, timeout=120,
                                **self._as_user())
        if result.returncode != 0:
            raise PostgresUnavailable(f"{Path(argv[0]).name} failed:\n{result.stdout}\n{result.stderr}")

    def start(self, timeout: float = 30.0) -> None:
        """Start the server (again) on the same port and wait until it accepts connections."""
        if self.running:
            return
        log = open(self.logfile, "ab")
        try:
            self._process = subprocess.Popen(
                [str(self.bindir / "postgres"), "-D", str(self.datadir), "-p", str(self.port),
                 "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                 "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                 "-c", "max_connections=200", "-c", "shared_buffers=32MB"],
                cwd=self.basedir, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                **self._as_user())
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                self._process = None
                raise PostgresUnavailable(f"postgres exited at start:\n{self.logfile.read_text(errors='replace')[-3000:]}")
            try:
                psycopg.connect(self.dsn("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise PostgresUnavailable(f"postgres did not accept connections within {timeout:.0f} s") from None
                time.sleep(0.05)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown: clients are disconnected, as in a real outage."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.basedir, ignore_errors=True)

    def dsn(self, dbname: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={dbname}"

    def url(self, dbname: str) -> str:
        """A SQLAlchemy URL for one database of this server."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, prefix: str = "db") -> str:
        """A new empty database; returns its name."""
        self._dbs += 1
        name = f"{prefix}_{self._dbs}"
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.destroy()
