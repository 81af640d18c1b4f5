"""Atomic output: write to a temp file beside the target, rename over it only when complete."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

from posecheck.errors import ReportError

__all__ = ["atomic_write", "check_writable", "AtomicPath"]


def check_writable(path: str | os.PathLike) -> Path:
    """Fail early (before hours of work) if `path` cannot be written."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise ReportError(f"{p} is a directory; give a file path for the output")
    if not parent.is_dir():
        raise ReportError(f"cannot write {p}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ReportError(f"cannot write {p}: folder {parent} is not writable")
    if p.exists() and not os.access(p, os.W_OK):
        raise ReportError(f"cannot write {p}: the file is read-only")
    return p


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Yield a file object; on success it replaces `path`, on any exception the target is untouched."""
    p = check_writable(path)
    binary = "b" in mode
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".part", dir=p.parent if str(p.parent) else ".")
    os.chmod(tmp, _umask_mode())  # mkstemp makes 0600; the output should get the usual permissions
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding) as f:
            yield f
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class AtomicPath:
    """For writers that need a file name (OpenCV's VideoWriter): a temp path, committed by rename."""

    def __init__(self, path: str | os.PathLike, suffix: str = ""):
        self.target = check_writable(path)
        suffix = suffix or self.target.suffix
        fd, tmp = tempfile.mkstemp(prefix=f".{self.target.stem}.", suffix=".part" + suffix,
                                   dir=self.target.parent)
        os.close(fd)
        os.chmod(tmp, _umask_mode())
        self.tmp = Path(tmp)

    def commit(self) -> None:
        os.replace(self.tmp, self.target)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)
