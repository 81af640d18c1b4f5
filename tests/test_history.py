"""The history database: sessions written whole or not at all, read back, filtered, migrated from an older
file; `posecheck history` as a table, JSON and a progress page."""

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from posecheck.cli.main import run
from posecheck.errors import HistoryError
from posecheck.history.db import MIGRATIONS, SCHEMA_VERSION, History, Part, SessionRecord, history_path
from posecheck.history.html import render_history_html


def _week(h: History, start: datetime, days=(0, 1, 3, 5), weeks: int = 2) -> None:
    """Routine sessions on a few days a week, getting better."""
    k = 0
    for w in range(weeks):
        for d in days:
            k += 1
            at = (start + timedelta(days=7 * w + d, hours=8)).replace(microsecond=0).isoformat()
            h.save(SessionRecord("routine", at, [
                Part("cat_cow", 0.5, 60.0, 1, 0.0, 10 + k % 3, 8 + k % 3, 2.0, {"moving_too_fast": 2.0}),
                Part("plank", 70.0, 130.0, 2, 15.0 + 1.5 * k, 0, 0, max(8.0 - k, 0.0), {"hips_sagging": 3.0}),
                Part("bridge", 140.0, 260.0, 1, 20.0, 12, 10 + k % 2, 4.0),
                Part("child_pose", None, None, 0, 0.0, skipped=True)],
                exercise="back_quick", routine="back_quick", duration_s=300.0, ended_by="routine complete"))
    h.save(SessionRecord("live", (start + timedelta(days=2)).isoformat(), [Part("plank", 3.0, 40.0, 1, 25.0)],
                         exercise="plank", ended_by="quit"))


def test_a_session_is_written_read_back_and_filtered(tmp_path):
    with History.open(tmp_path / "h.db") as h:
        _week(h, datetime(2026, 11, 2, tzinfo=timezone.utc))
        all_ = h.sessions()
        assert len(all_) == 9 and all_[0].started_at < all_[-1].started_at
        r = all_[0]
        assert r.kind == "routine" and [p.exercise for p in r.parts] == ["cat_cow", "plank", "bridge", "child_pose"]
        assert r.parts[3].skipped and r.parts[0].faults == {"moving_too_fast": 2.0}
        plank = h.sessions(exercise="plank")
        assert len(plank) == 9 and all(len(s.parts) == 1 for s in plank)
        assert len(h.sessions(since="2026-11-09")) == 4
        assert h.forget(since="2026-11-09") == 4 and len(h.sessions()) == 5


def test_a_session_is_saved_whole_or_not_at_all(tmp_path):
    with History.open(tmp_path / "h.db") as h:
        bad = SessionRecord("routine", "2026-11-02T08:00:00+00:00",
                            [Part("plank", good_hold_s=10.0), Part("bridge", faults={"x": object()})])
        with pytest.raises(TypeError):  # the second part cannot be written (as a crash half-way would be)
            h.save(bad)
        assert h.sessions() == []
        assert h.conn.execute("SELECT COUNT(*) FROM parts").fetchone()[0] == 0


def test_an_older_history_file_is_migrated_and_keeps_its_sessions(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)  # a version-1 file, as posecheck 0.2 wrote it
    conn.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    conn.execute("INSERT INTO sessions (started_at, kind, exercise, good_hold_s, reps, good_reps, fault_s) "
                 "VALUES ('2026-10-01T09:00:00+00:00', 'live', 'plank', 21.5, 0, 0, 3.0)")
    conn.commit()
    conn.close()
    with History.open(path) as h:
        assert h.version == SCHEMA_VERSION == 2
        (s,) = h.sessions()
        assert (s.kind, s.exercise, s.good_hold_s, s.fault_s, s.ended_by) == ("live", "plank", 21.5, 3.0, "")
        assert s.parts[0].exercise == "plank"
        h.mark_seen("safety/1")  # the new tables work
        h.save(SessionRecord("routine", "2026-10-02T09:00:00+00:00", [Part("cobra", good_hold_s=20.0)],
                             exercise="back_quick", routine="back_quick"))
        assert len(h.sessions()) == 2


def test_a_newer_or_foreign_file_is_refused_not_damaged(tmp_path):
    newer = tmp_path / "newer.db"
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(HistoryError, match="newer posecheck"):
        History.open(newer)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(HistoryError, match="history database"):
        History.open(junk)
    assert junk.read_bytes() == b"not a database at all" * 100


def test_the_history_lives_in_posecheck_home(tmp_path, monkeypatch):
    monkeypatch.setenv("POSECHECK_HOME", str(tmp_path / "home"))
    assert history_path() == tmp_path / "home" / "history.db"
    monkeypatch.delenv("POSECHECK_HOME")
    assert history_path().name == "history.db" and "posecheck" in str(history_path())


def test_history_cli_table_json_and_filters(capsys):
    with History.open() as h:
        _week(h, datetime(2026, 11, 2, tzinfo=timezone.utc))
    assert run(["history"]) == 0
    table = capsys.readouterr().out
    assert "back_quick" in table and "9 session(s)" in table
    assert run(["history", "--json", "--exercise", "bridge"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["sessions"]) == 8
    s = data["sessions"][0]
    assert {"id", "started_at", "kind", "exercise", "good_hold_s", "reps", "good_reps", "fault_s"} <= set(s)
    assert s["reps"] == 12 and s["good_hold_s"] == 20.0
    assert run(["history", "--since", "nov"]) == 2
    assert "Error: --since 'nov': give a date as YYYY-MM-DD" in capsys.readouterr().err
    assert run(["history", "--forget", "--exercise", "plank", "--yes"]) == 0
    assert "Deleted 9 session(s)" in capsys.readouterr().out


def test_the_progress_page_shows_holds_reps_faults_and_weeks(tmp_path):
    with History.open(tmp_path / "h.db") as h:
        _week(h, datetime(2026, 11, 2, tzinfo=timezone.utc), weeks=3)
        sessions = h.sessions()
    page = render_history_html(sessions)
    for text in ("Sessions per week", "Good-form hold per session", "Time in a fault per session",
                 "Reps and good reps per session", "aim 3-4 a week", "back_quick"):
        assert text in page, text
    assert page.count("<svg") == 4 and "<script" not in page and "http" not in page.split("</style>")[1]
    # Names from files are escaped, never markup.
    evil = [SessionRecord("live", "2026-11-02T08:00:00+00:00", [Part("<b>x</b>", good_hold_s=1.0)],
                          exercise="<script>alert(1)</script>")]
    assert "<script>alert" not in render_history_html(evil)


def test_history_html_written_by_the_cli(tmp_path, capsys):
    with History.open() as h:
        _week(h, datetime(2026, 11, 2, tzinfo=timezone.utc))
    out = tmp_path / "progress.html"
    assert run(["history", "--html", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_live_saves_its_session_and_score_saves_only_when_asked(tmp_path, capsys):
    from routine_clip import DATA

    clip = DATA / "plank_clean_a.jsonl"
    assert run(["score", str(clip), "-e", "plank", "--quiet"]) == 0
    with History.open() as h:
        assert h.sessions() == []
    assert run(["score", str(clip), "-e", "plank", "--quiet", "--save"]) == 0
    assert run(["live", "-e", "plank", "--source", str(clip), "--headless", "--no-drop", "--no-voice"]) == 0
    assert run(["live", "-e", "plank", "--source", str(clip), "--headless", "--no-drop", "--no-voice",
                "--no-save"]) == 0
    with History.open() as h:
        scored, live = h.sessions()
    assert (scored.kind, live.kind) == ("score", "live") and scored.exercise == live.exercise == "plank"
    # The same frames, judged alike: the same good-form hold in both records.
    assert scored.good_hold_s > 9.0 and abs(scored.good_hold_s - live.good_hold_s) < 0.05
    assert live.ended_by == "end of input"
