"""Spoken cues, offline: espeak-ng through a subprocess, or pyttsx3 (`pip install 'posecheck-coach[voice]'`).

Speech is slow (a cue takes ~1.5 s to say) and the coaching loop must never wait for it, so a `Voice` speaks
on its own thread and keeps at most one utterance waiting:

- a new utterance replaces the waiting one unless that one is more important (newest first, importance
  before age); what waited longer than `stale_s` is dropped, never said late;
- a more important utterance interrupts a less important one being spoken (a major cue cuts off "10 s");
- every request is logged with what became of it (`said`, `dropped`, `replaced`, `interrupted`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["Priority", "Utterance", "SpeechEngine", "EspeakEngine", "Pyttsx3Engine", "Voice", "open_voice",
           "NO_ENGINE_MESSAGE"]

NO_ENGINE_MESSAGE = ("Voice off: no text-to-speech engine found (install espeak-ng, e.g. `apt install espeak-ng`, "
                     "or `pip install 'posecheck-coach[voice]'` for pyttsx3); cues are shown on screen only")
PRINTED_ONLY = "printed only"  # where the cues go without a voice in --headless mode


class Priority:
    """Importance of an utterance; a higher value interrupts and outranks a lower one."""

    INFO = 0  # set started / ended, rep counts
    GUIDE = 1  # camera guidance
    PRAISE = 2  # timer milestones, target reached
    MINOR = 3  # a minor form fault
    MAJOR = 4  # a major form fault


@dataclass
class Utterance:
    text: str
    priority: int
    requested_s: float  # perf_counter at the request
    started_s: float | None = None
    ended_s: float | None = None
    fate: str = "waiting"  # waiting | said | dropped (stale) | replaced | interrupted | failed


class SpeechEngine(Protocol):
    name: str

    def speak(self, text: str) -> bool:
        """Say `text`, blocking until done or stopped; False if it could not."""

    def stop(self) -> None:
        """Interrupt speech in progress (called from another thread)."""


class EspeakEngine:
    """espeak-ng (or espeak) as a subprocess per utterance; `stop()` kills it mid-word.

    `audio=False` synthesises to a pipe and discards the sound: the same engine and timing without a sound
    card (tests, CI, headless servers).
    """

    def __init__(self, binary: str | None = None, rate_wpm: int = 175, audio: bool = True, voice: str = "en"):
        self.binary = binary or shutil.which("espeak-ng") or shutil.which("espeak")
        if self.binary is None:
            raise FileNotFoundError("espeak-ng")
        self.rate_wpm, self.audio, self.voice = rate_wpm, audio, voice
        self.name = os.path.basename(self.binary)
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def _cmd(self, text: str, amplitude: int = 100) -> list[str]:
        cmd = [self.binary, "-v", self.voice, "-s", str(self.rate_wpm), "-a", str(amplitude)]
        if not self.audio:
            cmd.append("--stdout")
        return cmd + ["--", text]

    def check_audio(self) -> str | None:
        """None if sound can be played; else the reason. espeak-ng exits 0 even when ALSA has no device,
        so its stderr is what tells."""
        if not self.audio:
            return None
        try:
            proc = subprocess.run(self._cmd(".", amplitude=0), capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"{self.name} failed to run ({e})"
        err = proc.stderr.strip()
        if proc.returncode != 0 or "error" in err.lower() or "cannot" in err.lower():
            last = err.splitlines()[-1] if err else f"exit status {proc.returncode}"
            return f"{self.name} found, but no sound output device ({last})"
        return None

    def speak(self, text: str) -> bool:
        out = subprocess.DEVNULL
        with self._lock:
            try:
                self._proc = subprocess.Popen(self._cmd(text), stdin=subprocess.DEVNULL, stdout=out,
                                              stderr=subprocess.DEVNULL)
            except OSError:
                return False
            proc = self._proc
        rc = proc.wait()
        with self._lock:
            self._proc = None
        return rc == 0 or rc < 0  # killed by stop(): it did start speaking

    def stop(self) -> None:
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()


class Pyttsx3Engine:
    """pyttsx3 (SAPI5 on Windows, NSSpeech on macOS, libespeak on Linux); used on its own thread only."""

    def __init__(self, rate_wpm: int = 175):
        import pyttsx3  # optional extra: posecheck-coach[voice]

        self._pyttsx3 = pyttsx3
        self._rate = rate_wpm
        self._engine = None
        self.name = "pyttsx3"

    def speak(self, text: str) -> bool:
        # pyttsx3 engines belong to the thread that made them: create it lazily on the speaking thread.
        if self._engine is None:
            self._engine = self._pyttsx3.init()
            self._engine.setProperty("rate", self._rate)
        self._engine.say(text)
        self._engine.runAndWait()
        return True

    def stop(self) -> None:
        if self._engine is not None:
            self._engine.stop()


class Voice:
    """Non-blocking speech with one waiting slot; see the module docstring for the policy."""

    def __init__(self, engine: SpeechEngine, stale_s: float = 2.0, clock=time.perf_counter):
        self.engine, self.stale_s, self._clock = engine, stale_s, clock
        self.log: list[Utterance] = []
        self._cond = threading.Condition()
        self._waiting: Utterance | None = None
        self._speaking: Utterance | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="posecheck-voice", daemon=True)
        self._thread.start()

    @property
    def name(self) -> str:
        return self.engine.name

    def say(self, text: str, priority: int = Priority.MAJOR) -> Utterance:
        """Queue `text` to be said as soon as possible; returns at once."""
        u = Utterance(text, priority, self._clock())
        with self._cond:
            self.log.append(u)
            w = self._waiting
            if w is not None and w.priority > priority and u.requested_s - w.requested_s <= self.stale_s:
                u.fate = "dropped"  # something more important is already waiting
                return u
            if w is not None:
                w.fate = "replaced"
            self._waiting = u
            s = self._speaking
            if s is not None and s.priority < priority:
                s.fate = "interrupted"
                self.engine.stop()
            self._cond.notify_all()
        return u

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._waiting is None and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                u, self._waiting = self._waiting, None
                if self._clock() - u.requested_s > self.stale_s:
                    u.fate = "dropped"
                    continue
                self._speaking = u
                u.started_s = self._clock()
            ok = self.engine.speak(u.text)
            with self._cond:
                u.ended_s = self._clock()
                if u.fate == "waiting":
                    u.fate = "said" if ok else "failed"
                self._speaking = None
                self._cond.notify_all()

    def idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is waiting or being said (tests, and the last words at the end of a session)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._waiting is not None or self._speaking is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def close(self, finish_s: float = 0.0) -> None:
        """Stop speaking; with `finish_s`, let what is being said finish first (up to that long)."""
        if finish_s > 0:
            self.idle(finish_s)
        with self._cond:
            self._closed = True
            if self._waiting is not None:
                self._waiting.fate = "dropped"
                self._waiting = None
            self._cond.notify_all()
        self.engine.stop()
        self._thread.join(timeout=2.0)


@dataclass
class VoiceChoice:
    voice: Voice | None
    message: str  # one line for the user: which engine speaks, or why the voice is off
    tried: list[str] = field(default_factory=list)


def open_voice(enabled: bool = True, engine: str = "auto", audio: bool = True,
               headless: bool = False) -> VoiceChoice:
    """The voice to use: espeak-ng if installed, else pyttsx3 if installed, else none (and a line saying so).

    `engine`: "auto", "espeak" or "pyttsx3". `audio=False` synthesises without playing (tests). `headless`:
    without a window the line says the cues are printed, not shown on screen.
    """
    choice = _open_voice(enabled, engine, audio)
    if headless:
        choice.message = choice.message.replace("shown on screen only", PRINTED_ONLY)
    return choice


def _open_voice(enabled: bool, engine: str, audio: bool) -> VoiceChoice:
    if not enabled:
        return VoiceChoice(None, "Voice off (--no-voice)")
    tried: list[str] = []
    if engine in ("auto", "espeak"):
        try:
            e = EspeakEngine(audio=audio)
        except FileNotFoundError:
            tried.append("espeak-ng: not installed")
        else:
            problem = e.check_audio()
            if problem is None:
                return VoiceChoice(Voice(e), f"Voice: {e.name}", tried)
            tried.append(problem)
            # No sound device: pyttsx3 would play through the same missing device, so stop here.
            return VoiceChoice(None, f"Voice off: {problem}; cues are shown on screen only", tried)
    if engine in ("auto", "pyttsx3"):
        try:
            e2 = Pyttsx3Engine()
            return VoiceChoice(Voice(e2), "Voice: pyttsx3", tried)
        except Exception as exc:  # ImportError, or a driver that fails to load
            tried.append(f"pyttsx3: {type(exc).__name__}: {exc}".splitlines()[0])
    return VoiceChoice(None, NO_ENGINE_MESSAGE, tried)
