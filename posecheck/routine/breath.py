"""Breathing: a pacer for static holds, and the words that go with each half of a cat/cow.

The material ties the breath to the movement in cat/cow (exhale while rounding the back into the cat, inhale
while arching into the cow) and asks for 7-10 slow breaths a static hold (a 20-30 s hold: ~3-4 s a breath).
The pacer breathes in for 40% of a breath and out for 60% (a longer exhale is the usual advice for a calm
breath), counted from the start of the set.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BREATH_WORDS", "Breath", "BreathPacer", "INHALE_SHARE"]

# The extreme a half-rep goes toward -> what to say at its start.
BREATH_WORDS = {"cat": "Exhale, round your back", "cow": "Inhale, arch your back"}
INHALE_SHARE = 0.4


@dataclass(frozen=True)
class Breath:
    phase: str  # "inhale" | "exhale"
    fraction: float  # 0..1 through this phase
    number: int  # 1-based breath of the hold


class BreathPacer:
    def __init__(self, breath_s: float = 4.0):
        self.breath_s = breath_s

    def at(self, elapsed_s: float) -> Breath:
        elapsed_s = max(elapsed_s, 0.0)
        number = int(elapsed_s // self.breath_s) + 1
        within = (elapsed_s % self.breath_s) / self.breath_s
        if within < INHALE_SHARE:
            return Breath("inhale", within / INHALE_SHARE, number)
        return Breath("exhale", (within - INHALE_SHARE) / (1 - INHALE_SHARE), number)
