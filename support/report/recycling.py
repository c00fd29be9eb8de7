"""`--clean-alluredir` without deleting: the old results' files are reused for the new ones.

A run writes about 5,000 files (a result per scenario, an attachment per exchange, rows or
call list). Deleting the last run's files and creating as many new ones is slow on some disks:
on this machine's ext4, which has no journal, the kernel will not reuse an inode freed in the
last minutes (`recently_deleted()` in `find_inode_bit()`), and it steps over every one of them
again for each file it creates, so a run after a run spent 4 to 5 s of system time creating its
results, a third of a `-n 2` run (and none on tmpfs: the same run was as fast with Allure as
without). Renaming a file and overwriting it needs no new inode: 0.25 s for 5,000 files, against
4.1 s for deleting and creating them.

So, with `--clean-alluredir`, the old folder is renamed aside before Allure starts
(`set_aside`), every process's Allure file logger takes its new files from there
(`RecyclingFileLogger`), and what is left over is removed when the run ends
(`remove_leftovers`). Folders set aside by a run that was killed are reused the same way.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import json
import os
import random
import shutil
import stat
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
from allure_commons import hookimpl
from allure_commons.logger import INDENT, AllureFileLogger
from attr import asdict

ASIDE = ".recycling-"
# Every file this process's logger wrote, by name: each worker audits its own for secrets.
WRITTEN: list[str] = []


def aside_folders(results: Path) -> list[Path]:
    """Hidden beside the results folder (`.allure-results.recycling-…`), so that a glob of
    results folders such as `make merged-report`'s `shards/*/` never takes them in."""
    found = results.parent.glob(f".{results.name}{ASIDE}*")
    return sorted(path for path in found if path.is_dir())


def set_aside(results: Path) -> None:
    """Rename the old results folder out of Allure's way, for its files to be reused."""
    if not results.is_dir():
        return
    moved = results.with_name(f".{results.name}{ASIDE}{os.getpid()}-{time.time_ns()}")
    with contextlib.suppress(OSError):  # a mount point, say: Allure will clear it itself
        os.rename(results, moved)


def remove_leftovers(results: Path) -> None:
    """The old files no process reused (the last run wrote more than this one)."""
    for path in aside_folders(results):
        shutil.rmtree(path, ignore_errors=True)


class OldFiles:
    """The files set aside, each handed out once across processes.

    A process claims an old file by locking it (`flock`) and checking that its name still
    names it; it writes the new content into it and renames it to its final name before it lets
    go of the lock, so that no other process can claim it again. Each xdist worker takes its own
    share first (every Nth file of the sorted list, N the number of workers), then the others'
    in its own random order: when each tried all of them, two workers collided 5,800 times a
    run. Within its share it takes the largest file no longer than what it writes, which then
    needs no truncating (freeing a file's tail, with this disk's `discard`, took as long as
    writing it).
    """

    def __init__(self, folders: list[Path], share: tuple[int, int] | None = None) -> None:
        every: list[tuple[str, int]] = []
        for folder in folders:
            with contextlib.suppress(OSError), os.scandir(folder) as entries:
                for entry in entries:
                    with contextlib.suppress(OSError):
                        every.append((entry.path, entry.stat(follow_symlinks=False).st_size))
        every.sort()
        index, count = share or (0, 1)
        own = sorted(every[index::count], key=lambda path_size: path_size[1])
        self._own_paths = [path for path, _ in own]
        self._own_sizes = [size for _, size in own]
        self._others = [path for n, (path, _) in enumerate(every) if n % count != index]
        random.Random(os.getpid()).shuffle(self._others)
        self._choosing = threading.Lock()  # the two lists of its share change together

    def claim(self, size: int) -> tuple[int, str, int] | None:
        """(a descriptor, the old file's name, its length): an old file locked for this
        process, best `size` bytes long or shorter; None when none is left."""
        while True:
            with self._choosing:
                if self._own_paths:
                    fits = max(bisect.bisect_right(self._own_sizes, size) - 1, 0)
                    del self._own_sizes[fits]
                    path = self._own_paths.pop(fits)
                elif self._others:
                    path = self._others.pop()
                else:
                    return None
            locked = _locked(path)
            if locked is not None:
                return locked[0], path, locked[1]


def _locked(path: str) -> tuple[int, int] | None:
    """A descriptor of the old file at `path`, locked, and its length: when it is still there,
    a plain file with no other name, and no other process has it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # a pipe: no wait
    except FileNotFoundError:  # another process has taken it
        return None
    except OSError:  # not a plain file (a link, a folder): it is not ours to write to
        _remove(path)
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.lstat(path)  # gone when the process that had the lock renamed it away: it raises
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            # A hard link: writing would change the other name's file too.
            os.unlink(path)
            raise FileExistsError(path)
    except OSError:  # locked by another process, taken by it, or not ours
        os.close(fd)
        return None
    return fd, info.st_size


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)


class RecyclingFileLogger(AllureFileLogger):
    """Allure's file logger, writing each file (as it does: to a temporary name, then renamed)
    into an old file when one is left, and into a new one otherwise."""

    def __init__(self, report_dir: str, clean: bool = False) -> None:
        super().__init__(report_dir, clean)
        self._folder = str(self._report_dir)
        self._old = OldFiles(aside_folders(self._report_dir), _worker_share())

    def _write(self, file_name: str, body: bytes) -> None:
        """Plain descriptors and names: a run writes thousands of files, and Path objects and
        buffered files around each were a third of the time it took. A file appears under its
        final name only once written, as Allure's own are (written under a temporary name)."""
        WRITTEN.append(file_name)
        final = os.path.join(self._folder, file_name)
        claimed = self._old.claim(len(body))
        if claimed is None:
            temporary = f"{final}.tmp"
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            try:
                _write_all(fd, body)
            finally:
                os.close(fd)
            os.replace(temporary, final)
            return
        fd, old, old_size = claimed
        try:
            _write_all(fd, body)
            if old_size > len(body):
                os.ftruncate(fd, len(body))
            os.rename(old, final)  # before the lock goes: no other process can claim it
        finally:
            os.close(fd)

    def _report_item(self, item: Any) -> None:
        """As Allure writes a result, in JSON written by orjson (a run's results took Python's
        encoder 0.03 s, orjson 0.005 s); by Python's when indented, or when orjson refuses a
        value."""
        data = asdict(item, filter=lambda _, v: v or v is False)
        if os.environ.get("ALLURE_INDENT_OUTPUT"):
            body = json.dumps(data, indent=INDENT, ensure_ascii=False).encode("utf-8")
        else:
            try:
                body = orjson.dumps(data)
            except TypeError:  # an integer beyond 64 bits, say
                body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._write(item.file_pattern.format(prefix=uuid.uuid4()), body)

    @hookimpl
    def report_attached_file(self, source: str, file_name: str) -> None:
        self._write(file_name, Path(source).read_bytes())

    @hookimpl
    def report_attached_data(self, body: str | bytes, file_name: str) -> None:
        self._write(file_name, body.encode("utf-8") if isinstance(body, str) else body)


def _write_all(fd: int, body: bytes) -> None:
    left = memoryview(body)
    while left:
        left = left[os.write(fd, left) :]


def _worker_share() -> tuple[int, int] | None:
    """(this worker's index, the number of workers) in a run with xdist; None otherwise."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    count = os.environ.get("PYTEST_XDIST_WORKER_COUNT", "")
    if worker.startswith("gw") and worker[2:].isdigit() and count.isdigit():
        index, workers = int(worker[2:]), int(count)
        if index < workers:
            return index, workers
    return None


def install() -> None:
    """Make allure-pytest-bdd build this logger: its pytest_configure, which runs after this
    is called, looks the class up by name in its own module."""
    import allure_pytest_bdd.plugin

    allure_pytest_bdd.plugin.AllureFileLogger = RecyclingFileLogger
