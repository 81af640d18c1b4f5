"""Spoken cues: never blocking, never a queue of stale cues, the most important first; espeak-ng for real."""

import shutil
import threading
import time

import pytest

from posecheck.cli.main import run
from posecheck.live.voice import (
    NO_ENGINE_MESSAGE,
    EspeakEngine,
    Priority,
    Voice,
    open_voice,
)


def started(u, timeout=5.0):
    """Wait until the voice has begun saying `u` (no fixed sleeps: the machine may be busy)."""
    deadline = time.monotonic() + timeout
    while u.started_s is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert u.started_s is not None
    return u


class SlowEngine:
    """Takes `seconds` to say anything, like a real voice; records what it said and what was cut off."""

    name = "slow"

    def __init__(self, seconds=0.3):
        self.seconds = seconds
        self.said, self.cut = [], []
        self._stop = threading.Event()

    def speak(self, text):
        self._stop.clear()
        if self._stop.wait(self.seconds):
            self.cut.append(text)
        else:
            self.said.append(text)
        return True

    def stop(self):
        self._stop.set()


def test_say_returns_while_the_voice_is_still_speaking():
    v = Voice(SlowEngine(0.5))
    u = v.say("Hips are sagging: lift them")
    assert u.ended_s is None  # say() came back before the speech ended: the loop never waits for it
    assert v.idle(5)
    v.close()
    assert v.engine.said == ["Hips are sagging: lift them"]


def test_only_the_newest_waits_and_the_rest_are_never_said():
    eng = SlowEngine(0.3)
    v = Voice(eng)
    started(v.say("5", Priority.INFO))  # being said
    for text in ("10", "15", "20"):
        v.say(text, Priority.INFO)
    assert v.idle(5)
    v.close()
    assert eng.said == ["5", "20"]
    assert [u.fate for u in v.log] == ["said", "replaced", "replaced", "said"]


def test_a_major_cue_interrupts_praise_and_is_not_replaced_by_guidance():
    eng = SlowEngine(0.5)
    v = Voice(eng)
    started(v.say("20 s: well done", Priority.PRAISE))
    v.say("Hips are sagging: lift them", Priority.MAJOR)
    v.say("Turn sideways to the camera", Priority.GUIDE)  # less important than the cue waiting
    assert v.idle(5)
    v.close()
    assert eng.cut == ["20 s: well done"]
    assert eng.said == ["Hips are sagging: lift them"]
    assert [u.fate for u in v.log] == ["interrupted", "said", "dropped"]


def test_a_cue_that_waited_too_long_is_dropped_not_said_late():
    eng = SlowEngine(0.6)
    v = Voice(eng, stale_s=0.2)
    started(v.say("first", Priority.MAJOR))
    v.say("second", Priority.MAJOR)  # same importance: waits, and goes stale before the first ends
    assert v.idle(5)
    v.close()
    assert eng.said == ["first"] and v.log[1].fate == "dropped"


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (apt install espeak-ng)")
def test_espeak_ng_speaks_without_blocking_and_can_be_cut_off():
    eng = EspeakEngine(audio=False)  # synthesise for real, discard the sound: no sound card needed
    v = Voice(eng)
    started(v.say("Keep your head in line with your back, and breathe slowly and evenly", Priority.MINOR))
    v.say("Hips are sagging: lift them", Priority.MAJOR)
    assert v.idle(10)
    v.close()
    fates = [u.fate for u in v.log]
    assert fates[1] == "said" and fates[0] in ("interrupted", "said")  # "said" if it was done already
    assert v.log[1].ended_s > v.log[1].started_s


def test_no_engine_means_voice_off_with_one_line(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setitem(__import__("sys").modules, "pyttsx3", None)  # as if the [voice] extra were absent
    choice = open_voice(True)
    assert choice.voice is None and choice.message == NO_ENGINE_MESSAGE
    assert "espeak-ng" in choice.message and "\n" not in choice.message


def test_cli_says_in_one_line_that_the_voice_is_off(tmp_path, monkeypatch, capsys):
    from test_live import sag_plank, write_recording
    rec = write_recording(tmp_path / "r.jsonl", sag_plank, 3.0)
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setitem(__import__("sys").modules, "pyttsx3", None)
    assert run(["live", "-e", "plank", "--source", str(rec), "--headless", "--voice", "--no-drop"]) == 0
    err = capsys.readouterr().err
    assert err.count("Voice off") == 1 and err.count("\n") == 1, err


def test_espeak_without_a_sound_device_turns_the_voice_off_with_the_reason(tmp_path, monkeypatch):
    # espeak-ng exits 0 even when ALSA has no device; only its stderr tells. This one behaves like that.
    fake = tmp_path / "espeak-ng"
    fake.write_text("#!/bin/sh\necho 'ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM default' >&2\n"
                    "echo 'error: No such file or directory' >&2\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    choice = open_voice(True)
    assert choice.voice is None
    assert choice.message.startswith("Voice off: espeak-ng found, but no sound output device")


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (apt install espeak-ng)")
def test_the_live_loop_speaks_the_sag_cue(tmp_path):
    from test_live import sag_plank, write_recording

    from posecheck.core.specs import load_spec
    from posecheck.io.live_frames import open_live_frames
    from posecheck.live.run import run_live
    rec = write_recording(tmp_path / "r.jsonl", sag_plank, 8.0)
    voice = Voice(EspeakEngine(audio=False))
    # As fast as the camera, not faster: the voice speaks in real time, and a replay judged in a blink would race it.
    with open_live_frames(rec, realtime=True) as frames:
        run_live(load_spec("plank"), frames, voice=voice)  # closes the voice, letting the last words finish
    said = [u.text for u in voice.log if u.fate == "said"]
    assert said == ["Set 1 started", "Hips are sagging: lift them"]


def test_announcements_are_spoken_short_and_say_seconds_not_s():
    from posecheck.core.evaluation import FrameResult
    from posecheck.core.events import (
        HoldTargetReached,
        RepCompleted,
        SetEnded,
        SetStarted,
        State,
    )
    from posecheck.core.guidance import Framing
    from posecheck.core.session import Step
    from posecheck.core.specs import load_spec
    from posecheck.live.coach import Coach, _spoken

    coach = Coach(load_spec("plank"))
    framing = Framing(0.0, None, None)

    def told(t, *events, hold=0.0):
        fr = FrameResult(t_s=t, index=0, detected=True, side="left", state=State.GOOD, faults=(), angles={},
                         in_position=True, hold_good_s=hold, reps=0, good_reps=0, events=events)
        return [_spoken(ev) for ev in coach.update(Step(fr, ()), framing) if ev.kind != "state"]

    assert told(1.0, SetStarted(1.0, 1, 0.5)) == ["Set 1 started"]
    assert told(10.6, hold=10.0) == ["5 seconds", "10 seconds"]
    assert told(16.0, hold=15.0) == ["15 seconds"]
    assert told(21.0, HoldTargetReached(21.0, 20.0), hold=20.0) == ["20 seconds: well done"]
    assert told(30.0, SetEnded(30.0, 1, 29.0)) == ["Set 1 ended"]
    assert told(35.0, SetStarted(35.0, 2, 32.0)) == ["Set 2 started after 3 seconds of rest"]
    assert told(40.0, RepCompleted(40.0, 3, True, (), 38.0)) == ["3"]
