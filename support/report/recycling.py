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

import contextlib
import json
import os
import random
import shutil
import stat
import time
import uuid
from pathlib import Path
from typing import Any

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
    """The files set aside, each handed out once across processes: a rename succeeds for one
    process only, and each process tries them in its own order so that they rarely collide."""

    def __init__(self, folders: list[Path]) -> None:
        self.paths: list[str] = []
        for folder in folders:
            with contextlib.suppress(OSError), os.scandir(folder) as entries:
                self.paths.extend(entry.path for entry in entries)
        random.Random(os.getpid()).shuffle(self.paths)

    def open_as(self, path: str) -> int | None:
        """A descriptor writing to `path`, an old file renamed to it; None when none is left."""
        while self.paths:
            old = self.paths.pop()
            try:
                os.rename(old, path)
            except OSError:  # another process took it first
                continue
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
            except OSError:  # not a plain file (a link, a folder): it is not ours to write to
                _remove(path)
                continue
            info = os.fstat(fd)
            if stat.S_ISREG(info.st_mode) and info.st_nlink == 1:
                return fd
            os.close(fd)  # a hard link: writing would change the other name's file too
            os.unlink(path)
        return None


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
        self._old = OldFiles(aside_folders(self._report_dir))

    def _write(self, file_name: str, body: bytes) -> None:
        """Plain descriptors and names: a run writes thousands of files, and Path objects and
        buffered files around each were a third of the time it took."""
        WRITTEN.append(file_name)
        final = os.path.join(self._folder, file_name)
        temporary = f"{final}.tmp"
        fd = self._old.open_as(temporary)
        if fd is None:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            left = memoryview(body)
            while left:
                left = left[os.write(fd, left) :]
            os.ftruncate(fd, len(body))  # an old file may have been longer
        finally:
            os.close(fd)
        os.replace(temporary, final)

    def _report_item(self, item: Any) -> None:
        indent = INDENT if os.environ.get("ALLURE_INDENT_OUTPUT") else None
        data = asdict(item, filter=lambda _, v: v or v is False)
        body = json.dumps(data, indent=indent, ensure_ascii=False)
        self._write(item.file_pattern.format(prefix=uuid.uuid4()), body.encode("utf-8"))

    @hookimpl
    def report_attached_file(self, source: str, file_name: str) -> None:
        self._write(file_name, Path(source).read_bytes())

    @hookimpl
    def report_attached_data(self, body: str | bytes, file_name: str) -> None:
        self._write(file_name, body.encode("utf-8") if isinstance(body, str) else body)


def install() -> None:
    """Make allure-pytest-bdd build this logger: its pytest_configure, which runs after this
    is called, looks the class up by name in its own module."""
    import allure_pytest_bdd.plugin

    allure_pytest_bdd.plugin.AllureFileLogger = RecyclingFileLogger
