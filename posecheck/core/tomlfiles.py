"""Named TOML files looked up in folders (exercise specs, routines): one set of rules for both.

A name is found in the folders given on the command line, then in `$ENV` (os.pathsep-separated), then in the
folder shipped with posecheck; the first match wins. A misspelt name gets a did-you-mean; a file that cannot be
read or parsed gets one line naming it.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from posecheck.errors import PosecheckError, cut

__all__ = ["TomlFolders", "bundled_dir"]


def bundled_dir(name: str) -> Path:
    """The folder `name` shipped with posecheck: inside the package when installed as a wheel, beside it in a
    checkout."""
    package = Path(__file__).resolve().parents[1]
    for cand in (package / name, package.parent / name):
        if cand.is_dir():
            return cand
    return package.parent / name


@dataclass(frozen=True)
class TomlFolders:
    """Where the named TOML files of one kind live, and the errors to raise about them."""

    kind: str  # "spec", "routine": used in messages
    env: str  # the environment variable with extra folders
    bundled: Path
    not_found: type[PosecheckError]
    invalid: type[PosecheckError]
    unknown_word: str = ""  # "exercise" in "unknown exercise 'plnk'"; the kind by default

    def dirs(self, extra=None) -> list[Path]:
        dirs = [Path(d) for d in (extra or [])]
        env = os.environ.get(self.env)
        if env:
            dirs += [Path(d) for d in env.split(os.pathsep) if d]
        return dirs + [self.bundled]

    def _is_dir(self, p: Path) -> bool:
        try:
            return p.is_dir()
        except OSError as e:  # a name too long for the file system, a loop of links
            raise self.not_found(f"{self.kind} folder (--{self.kind}s or ${self.env}) {cut(p)}: "
                                 f"{(e.strerror or str(e)).lower()}") from None

    def list(self, extra=None) -> dict[str, Path]:
        """name -> file for every file found, earlier folders overriding later ones."""
        found: dict[str, Path] = {}
        for d in self.dirs(extra):
            if self._is_dir(d):
                for f in sorted(d.glob("*.toml")):
                    found.setdefault(f.stem, f)
        return found

    def find(self, name: str, extra=None) -> Path:
        known = self.list(extra)
        if name in known:
            return known[name]
        close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise self.not_found(f"unknown {self.unknown_word or self.kind} {cut(repr(name))}; {hint}known: "
                             f"{', '.join(sorted(known)) or '(none)'}")

    def read(self, path: str | os.PathLike) -> dict:
        """The parsed TOML of one file, or one clear error naming it."""
        p = Path(path)
        try:
            exists = p.exists()
        except OSError as e:
            raise self.not_found(f"{cut(p)}: {(e.strerror or str(e)).lower()}") from None
        if not exists:
            raise self.not_found(f"{cut(p)}: no such {self.kind} file")
        if p.is_dir():
            raise self.invalid(f"{cut(p)} is a directory; give a {self.kind} file (.toml)")
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise self.invalid(f"{p}: cannot read ({e})") from None
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise self.invalid(f"{p}: not valid TOML ({e})") from None

    @staticmethod
    def is_path(name_or_path: str | os.PathLike) -> bool:
        s = str(name_or_path)
        return s.endswith(".toml") or os.sep in s
