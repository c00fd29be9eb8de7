"""The embedded servers: a real PostgreSQL and Redis that answer, and leave nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import redis

from support.proof.catalogues import ROOT
from support.target import embedded


def test_the_servers_answer_and_leave_nothing_behind() -> None:
    servers = embedded.start_embedded()
    try:
        postmaster = int((servers.folder / "pg" / "postmaster.pid").read_text().split()[0])
        with psycopg.connect(servers.database_url) as connection:
            assert connection.execute("select 1").fetchone() == (1,)
        cache = redis.Redis.from_url(servers.redis_url)
        assert cache.ping() is True
        # Nothing is kept on disk, so that stopping never waits for a save.
        assert cache.config_get("save") == {"save": ""}
        cache.close()
        assert embedded.processes_naming(servers.folder), "the embedded Redis runs"
    finally:
        servers.stop()
    assert not servers.folder.exists()
    assert embedded.processes_naming(servers.folder) == []
    assert not embedded.process_alive(postmaster)


def test_scratch_folder_is_memory_only_when_it_has_room(monkeypatch) -> None:
    monkeypatch.setattr(embedded, "MEMORY_FOLDER_FREE", 1 << 62)  # more than any machine has
    assert embedded.scratch_folder() == "/tmp"
    monkeypatch.setattr(embedded, "MEMORY_FOLDER_FREE", 0)
    expected = "/dev/shm" if os.access("/dev/shm", os.W_OK) else "/tmp"
    assert embedded.scratch_folder() == expected


@pytest.mark.parametrize(
    ("start", "said"),
    [
        (embedded._start_postgres, "The embedded PostgreSQL did not start"),
        (embedded._start_redis, "The embedded Redis did not start"),
    ],
    ids=["postgres", "redis"],
)
def test_a_server_that_cannot_start_is_a_clear_error(monkeypatch, tmp_path, start, said) -> None:
    monkeypatch.setattr(embedded, "_bundled", lambda *path: Path("/bin/false"))
    handles: list = []
    try:
        with pytest.raises(embedded.HarnessError, match=said):
            start(tmp_path / "server", handles)
    finally:
        for handle in handles:
            handle()


def test_the_servers_of_a_killed_test_process_are_cleared_by_the_next_start() -> None:
    # A test process killed outright (SIGKILL) cannot stop its servers: the next start does.
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, signal\n"
            "from support.target.embedded import start_embedded\n"
            "print(start_embedded().folder, flush=True)\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    folder = Path(killed.stdout.strip())
    assert folder.is_dir() and embedded.processes_naming(folder), killed.stderr[-2000:]
    embedded.start_embedded().stop()
    assert not folder.exists()
    assert embedded.processes_naming(folder) == []


def test_postgres_s_own_user_can_reach_a_program_under_a_private_folder(tmp_path) -> None:
    # As root, PostgreSQL runs as pgserver's user: a clone under `mktemp -d` (mode 700) hid
    # its program from that user, and the embedded database could not start.
    private = tmp_path / "clone"
    program = private / "venv" / "bin" / "postgres"
    program.parent.mkdir(parents=True)
    program.write_text("")
    private.chmod(0o700)
    embedded._reachable_by_all(program)
    for folder in (private, private / "venv", program.parent):
        assert folder.stat().st_mode & 0o011 == 0o011, oct(folder.stat().st_mode)
