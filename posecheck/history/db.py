"""The history of sessions: an embedded SQLite database at `$POSECHECK_HOME/history.db`.

    with History.open() as h:                       # $POSECHECK_HOME, else the platform's user data folder
        sid = h.save(SessionRecord(kind="live", started_at=..., parts=[Part("plank", good_hold_s=21.3)]))
        for s in h.sessions(exercise="plank"):
            print(s.started_at, s.good_hold_s)

One session (a `live` or `score --save` run of one exercise, or a `routine` of several) has one part per
exercise step. A session and its parts are written in one transaction: a crash or Ctrl-C leaves the whole
session or none of it. The schema is versioned (`PRAGMA user_version`); `MIGRATIONS[i]` takes a file from
version i to i + 1, so a newer posecheck opens an older file (and refuses a newer one rather than damage it).
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import platformdirs

from posecheck.errors import HistoryError

__all__ = ["History", "SessionRecord", "Part", "HOME_ENV", "history_path", "MIGRATIONS", "SCHEMA_VERSION",
           "record_from_report", "now_iso"]

HOME_ENV = "POSECHECK_HOME"

# Version 1 (posecheck 0.2): one row per session of one exercise. Version 2: sessions of several exercises
# (routines) with their parts, why a session ended, and notices the person has seen (the safety notice).
MIGRATIONS = [
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        kind TEXT NOT NULL,
        exercise TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        duration_s REAL NOT NULL DEFAULT 0,
        good_hold_s REAL NOT NULL DEFAULT 0,
        reps INTEGER NOT NULL DEFAULT 0,
        good_reps INTEGER NOT NULL DEFAULT 0,
        fault_s REAL NOT NULL DEFAULT 0
    );
    """,
    """
    CREATE TABLE parts (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        exercise TEXT NOT NULL,
        start_s REAL,
        end_s REAL,
        sets INTEGER NOT NULL DEFAULT 0,
        good_hold_s REAL NOT NULL DEFAULT 0,
        reps INTEGER NOT NULL DEFAULT 0,
        good_reps INTEGER NOT NULL DEFAULT 0,
        fault_s REAL NOT NULL DEFAULT 0,
        faults TEXT NOT NULL DEFAULT '{}',
        skipped INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (session_id, position)
    );
    INSERT INTO parts (session_id, position, exercise, good_hold_s, reps, good_reps, fault_s)
        SELECT id, 0, exercise, good_hold_s, reps, good_reps, fault_s FROM sessions;
    ALTER TABLE sessions ADD COLUMN routine TEXT;
    ALTER TABLE sessions ADD COLUMN ended_by TEXT NOT NULL DEFAULT '';
    CREATE INDEX parts_exercise ON parts(exercise);
    CREATE TABLE notices (name TEXT PRIMARY KEY, seen_at TEXT NOT NULL);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def history_path() -> Path:
    """`$POSECHECK_HOME/history.db`, else in the platform's user data folder."""
    home = os.environ.get(HOME_ENV)
    base = Path(home) if home else Path(platformdirs.user_data_dir("posecheck", appauthor=False))
    return base / "history.db"


@dataclass
class Part:
    """One exercise of a session (a routine step, or the whole of a live / scored session)."""

    exercise: str
    start_s: float | None = None
    end_s: float | None = None
    sets: int = 0
    good_hold_s: float = 0.0
    reps: int = 0
    good_reps: int = 0
    fault_s: float = 0.0
    faults: dict = field(default_factory=dict)  # fault id -> seconds
    skipped: bool = False


@dataclass
class SessionRecord:
    kind: str  # live | routine | score
    started_at: str  # ISO 8601, UTC
    parts: list[Part]
    exercise: str = ""  # the exercise (live, score); the routine's name for a routine
    routine: str | None = None
    source: str = ""
    duration_s: float = 0.0
    ended_by: str = ""
    id: int | None = None

    @property
    def good_hold_s(self) -> float:
        return sum(p.good_hold_s for p in self.parts)

    @property
    def reps(self) -> int:
        return sum(p.reps for p in self.parts)

    @property
    def good_reps(self) -> int:
        return sum(p.good_reps for p in self.parts)

    @property
    def fault_s(self) -> float:
        return sum(p.fault_s for p in self.parts)

    def to_dict(self) -> dict:
        return {"id": self.id, "started_at": self.started_at, "kind": self.kind, "exercise": self.exercise,
                "routine": self.routine, "good_hold_s": round(self.good_hold_s, 3), "reps": self.reps,
                "good_reps": self.good_reps, "fault_s": round(self.fault_s, 3),
                "duration_s": round(self.duration_s, 3), "source": self.source, "ended_by": self.ended_by,
                "parts": [asdict(p) for p in self.parts]}


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class History:
    """The history database; a context manager. Opening migrates an older file to the current schema."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn, self.path = conn, path

    @classmethod
    def open(cls, path: str | os.PathLike | None = None) -> "History":
        p = Path(path) if path is not None else history_path()
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(p, timeout=10.0)
            conn.execute("PRAGMA foreign_keys = ON")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except (OSError, sqlite3.Error) as e:
            raise HistoryError(f"{p}: cannot open the history database ({e}); set ${HOME_ENV} to a writable "
                               f"folder") from None
        if version > SCHEMA_VERSION:
            conn.close()
            raise HistoryError(f"{p}: written by a newer posecheck (schema {version}, this one knows up to "
                               f"{SCHEMA_VERSION}); upgrade posecheck, or set ${HOME_ENV} to another folder")
        try:
            migrate(conn, version)
        except sqlite3.Error as e:
            conn.close()
            raise HistoryError(f"{p}: not a posecheck history database ({e}); move it away or set "
                               f"${HOME_ENV} to another folder") from None
        return cls(conn, p)

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @property
    def version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # --- writing: one transaction per session ----------------------------------------------------------
    def save(self, rec: SessionRecord) -> int:
        try:
            with self.conn:  # commits at the end, rolls back on any error or KeyboardInterrupt
                cur = self.conn.execute(
                    "INSERT INTO sessions (started_at, kind, exercise, routine, source, duration_s, good_hold_s,"
                    " reps, good_reps, fault_s, ended_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (rec.started_at, rec.kind, rec.exercise, rec.routine, rec.source, rec.duration_s,
                     rec.good_hold_s, rec.reps, rec.good_reps, rec.fault_s, rec.ended_by))
                sid = cur.lastrowid
                self.conn.executemany(
                    "INSERT INTO parts (session_id, position, exercise, start_s, end_s, sets, good_hold_s, reps,"
                    " good_reps, fault_s, faults, skipped) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    [(sid, i, p.exercise, p.start_s, p.end_s, p.sets, p.good_hold_s, p.reps, p.good_reps,
                      p.fault_s, json.dumps(p.faults), int(p.skipped)) for i, p in enumerate(rec.parts)])
        except sqlite3.Error as e:
            raise HistoryError(f"{self.path}: cannot save the session ({e})") from None
        rec.id = sid
        return sid

    def forget(self, exercise: str | None = None, since: str | None = None) -> int:
        """Delete sessions (all, or those with `exercise` / started at or after `since`); returns how many."""
        ids = [s.id for s in self.sessions(exercise=exercise, since=since)]
        with self.conn:
            self.conn.executemany("DELETE FROM parts WHERE session_id = ?", [(i,) for i in ids])
            self.conn.executemany("DELETE FROM sessions WHERE id = ?", [(i,) for i in ids])
        return len(ids)

    # --- notices (the safety notice is shown once per machine) -------------------------------------------
    def seen(self, name: str) -> str | None:
        row = self.conn.execute("SELECT seen_at FROM notices WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def mark_seen(self, name: str) -> None:
        with self.conn:
            self.conn.execute("INSERT OR REPLACE INTO notices (name, seen_at) VALUES (?, ?)", (name, now_iso()))

    # --- reading ------------------------------------------------------------------------------------------
    def sessions(self, exercise: str | None = None, since: str | None = None) -> list[SessionRecord]:
        """Sessions oldest first. With `exercise`, only sessions that include it, with only its parts."""
        q = "SELECT id, started_at, kind, exercise, routine, source, duration_s, ended_by FROM sessions"
        args: list = []
        if since:
            q += " WHERE started_at >= ?"
            args.append(since)
        q += " ORDER BY started_at, id"
        out = []
        for sid, started, kind, ex, routine, source, dur, ended in self.conn.execute(q, args).fetchall():
            parts = [Part(e, a, b, n, g, r, gr, f, json.loads(fj), bool(sk)) for e, a, b, n, g, r, gr, f, fj, sk in
                     self.conn.execute("SELECT exercise, start_s, end_s, sets, good_hold_s, reps, good_reps,"
                                       " fault_s, faults, skipped FROM parts WHERE session_id = ? ORDER BY position",
                                       (sid,))]
            if exercise is not None:
                parts = [p for p in parts if p.exercise == exercise]
                if not parts:
                    continue
            out.append(SessionRecord(kind, started, parts, ex, routine, source, dur, ended, sid))
        return out


def migrate(conn: sqlite3.Connection, version: int) -> None:
    """Bring a file at `version` to SCHEMA_VERSION, each step in its own transaction."""
    for v in range(version, SCHEMA_VERSION):
        conn.executescript("BEGIN;" + MIGRATIONS[v] + f"PRAGMA user_version = {v + 1}; COMMIT;")


def record_from_report(report, kind: str, started_at: str, ended_by: str = "") -> SessionRecord:
    """The history record of one exercise's `posecheck.report/1` (a `live` session or a scored video)."""
    sm = report.summary
    part = Part(report.exercise, report.sets[0].start_s if report.sets else None,
                report.sets[-1].end_s if report.sets else None, len(report.sets), sm.good_hold_s, sm.reps,
                sm.good_reps, round(sum(sm.fault_s.values()), 3), dict(sm.fault_s))
    return SessionRecord(kind=kind, started_at=started_at, parts=[part], exercise=report.exercise,
                         source=report.source.path, duration_s=report.source.duration_s, ended_by=ended_by)
