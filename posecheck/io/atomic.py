"""Atomic output: write to a temp file beside the target, rename over it only when complete.

Nothing the user has is lost: an output is never one of the inputs (`check_not_input`), a failed write (a full
disk, a quota, a read-only mount) raises ReportError naming the OS reason and leaves the old file as it was,
and the temp file is removed on every path out, Ctrl-C and signals included.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from glob import escape as glob_escape
from pathlib import Path
from typing import IO, Iterable, Iterator

from posecheck.errors import ReportError, cut

__all__ = ["WRITE_ERRNOS", "atomic_write", "check_writable", "check_not_input", "AtomicPath", "write_failure", "disk_full", "no_space", "cut", "discard_temps"]

# Errors of the disk, not of the program: said in words, exit 2.
WRITE_ERRNOS = {errno.ENOSPC: "disk full", errno.EDQUOT: "disk quota exceeded", errno.EFBIG: "file too large",
                 errno.EROFS: "read-only file system", errno.EIO: "input/output error",
                 errno.EACCES: "permission denied", errno.EPERM: "operation not permitted"}


def write_failure(path: str | os.PathLike, e: OSError) -> ReportError:
    """The one-line error for a failed write of `path`."""
    reason = WRITE_ERRNOS.get(e.errno or 0) or (e.strerror or type(e).__name__).lower()
    hint = "; free some space or write elsewhere" if e.errno in (errno.ENOSPC, errno.EDQUOT) else ""
    return ReportError(f"cannot write {cut(path)}: {reason}{hint} (nothing was changed there)")


def no_space() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def check_writable(path: str | os.PathLike) -> Path:
    """Fail early (before hours of work) if `path` cannot be written."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    try:
        if p.is_dir():
            raise ReportError(f"{cut(p)} is a directory; give a file path for the output")
        if not parent.is_dir():
            raise ReportError(f"cannot write {cut(p)}: folder {cut(parent)} does not exist")
    except OSError as e:  # a name too long for the file system, a loop of links
        raise ReportError(f"cannot write {cut(p)}: {(e.strerror or str(e)).lower()}") from None
    if not os.access(parent, os.W_OK):
        raise ReportError(f"cannot write {cut(p)}: folder {cut(parent)} is not writable")
    if p.exists() and not os.access(p, os.W_OK):
        raise ReportError(f"cannot write {cut(p)}: the file is read-only")
    return p


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.resolve() == b.resolve():
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)  # hard links, bind mounts
    except OSError:
        return False


def check_not_input(outputs: Iterable[str | os.PathLike | None],
                    inputs: Iterable[str | os.PathLike | None]) -> None:
    """Refuse (before any work) an output that is one of the inputs, through links too, or two outputs at the
    same path: writing it would replace the user's file with ours."""
    ins = [Path(i) for i in inputs if i]
    seen: list[Path] = []
    for o in outputs:
        if not o:
            continue
        out = Path(o)
        for i in ins:
            if _same_file(out, i):
                raise ReportError(f"{cut(out)} is the input {cut(i)}: writing there would replace it; "
                                  "give another output path")
        for s in seen:
            if _same_file(out, s):
                raise ReportError(f"{cut(out)} is given for two outputs; give each its own path")
        seen.append(out)


def discard_temps(target: str | os.PathLike) -> None:
    """Remove the temp files of `target` that a killed process could not (its writes die with it): for a
    parent whose worker process was killed mid-write."""
    t = Path(target)
    folder = t.parent if str(t.parent) else Path(".")
    for prefix in (t.name, t.stem):
        for tmp in folder.glob(f".{glob_escape(prefix)}.*.part*"):
            with contextlib.suppress(OSError):
                tmp.unlink()


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _mkstemp(p: Path, suffix: str) -> tuple[int, str]:
    try:
        return tempfile.mkstemp(prefix=f".{p.name}.", suffix=suffix, dir=p.parent if str(p.parent) else ".")
    except OSError as e:
        raise write_failure(p, e) from None


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Yield a file object; on success it replaces `path`, on any exception the target is untouched.
    A write the disk refuses (full, quota, read-only) becomes ReportError with the reason."""
    p = check_writable(path)
    binary = "b" in mode
    fd, tmp = _mkstemp(p, ".part")
    try:
        os.chmod(tmp, _umask_mode())  # mkstemp makes 0600; the output should get the usual permissions
        with os.fdopen(fd, mode, encoding=None if binary else encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())  # a delayed write error (NFS, quota) shows here, not after the rename
        os.replace(tmp, p)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError) and e.errno in WRITE_ERRNOS:
            raise write_failure(p, e) from None
        raise


def _video_frames(path: Path) -> int | None:
    """Frames a video file holds as its container announces them; None when it cannot be opened (no index)."""
    import cv2  # lazily: only video writers get here

    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            return None
        return int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    finally:
        cap.release()


def disk_full(path: str | os.PathLike) -> bool:
    """Less than 1 MB left where `path` would go: the likely reason an encoder failed without saying why."""
    path = Path(path)
    try:
        st = os.statvfs(path.parent if str(path.parent) else ".")
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < 1 << 20


class AtomicPath:
    """For writers that need a file name (a video encoder, matplotlib): a temp path, committed by rename.

    Encoders do not always report a failed write (OpenCV's VideoWriter does not), so `commit` checks the temp
    file first: not empty and, for a video, openable with the frames written. Otherwise the old file stays."""

    def __init__(self, path: str | os.PathLike, suffix: str = ""):
        self.target = check_writable(path)
        suffix = suffix or self.target.suffix
        fd, tmp = _mkstemp(Path(self.target.parent, self.target.stem), ".part" + suffix)
        os.close(fd)
        self.tmp = Path(tmp)
        try:
            os.chmod(tmp, _umask_mode())
        except BaseException:
            self.discard()
            raise

    def verify(self, expect_frames: int | None = None) -> None:
        """Raise ReportError (and drop the temp file) if the temp file is not a complete output."""
        problem = None
        try:
            size = self.tmp.stat().st_size
            if size == 0:
                problem = "nothing was written"
            elif expect_frames is not None:
                got = _video_frames(self.tmp)
                if got is None:
                    problem = "the video file is incomplete (it cannot be opened again)"
                elif got < expect_frames:
                    problem = f"only {got} of {expect_frames} frames reached the file"
            if problem is None:
                with open(self.tmp, "rb+") as f:
                    os.fsync(f.fileno())
        except OSError as e:
            self.discard()
            raise write_failure(self.target, e) from None
        if problem is not None:
            self.discard()
            if disk_full(self.target):
                raise write_failure(self.target, no_space())
            raise ReportError(f"cannot write {cut(self.target)}: {problem} (nothing was changed there)")

    def commit(self, expect_frames: int | None = None) -> None:
        """Check the temp file (see `verify`), then rename it over the target."""
        self.verify(expect_frames)
        try:
            os.replace(self.tmp, self.target)
        except OSError as e:
            self.discard()
            raise write_failure(self.target, e) from None

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)
