"""The library leaves the process as it found it: a program's own stderr and logging keep working."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / "sample_videos" / "plank_sag_a.mp4"


@pytest.mark.model
def test_a_programs_logging_prints_while_a_video_is_scored_through_the_api():
    program = textwrap.dedent(f"""
        import logging, sys
        import posecheck
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        log = logging.getLogger("user-program")
        seen = []

        def progress(i, t_s):
            if i == 30:
                log.info("user log line while scoring at frame %d", i)
                print("user stderr line while scoring", file=sys.stderr, flush=True)
            seen.append(i)

        report = posecheck.score({str(CLIP)!r}, exercise="plank", progress=progress)
        log.info("user log line after scoring: %d frames", report.source.frames)
    """)
    proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "user log line while scoring at frame 30" in proc.stderr
    assert "user stderr line while scoring" in proc.stderr
    assert "user log line after scoring: 390 frames" in proc.stderr


def test_importing_and_loading_a_spec_changes_no_process_wide_stream():
    program = textwrap.dedent("""
        import os, sys
        before = (sys.stdout, sys.stderr, os.fstat(2).st_ino)
        import posecheck
        posecheck.load_spec("plank")
        assert (sys.stdout, sys.stderr, os.fstat(2).st_ino) == before
    """)
    proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_what_the_user_should_know_about_a_file_reaches_a_programs_logging(tmp_path, caplog):
    import logging

    from corpus import make_corpus

    from posecheck.io.frames import open_frames

    damaged = make_corpus(tmp_path, CLIP, seconds=2.0)["ends_early"]
    with caplog.at_level(logging.WARNING, logger="posecheck"):
        src = open_frames(damaged)
        try:
            n = sum(1 for _ in src)
        finally:
            src.close()
    assert n > 0
    said = [r.getMessage() for r in caplog.records if r.name.startswith("posecheck")]
    assert any(str(damaged) in m and "read" in m for m in said), said
