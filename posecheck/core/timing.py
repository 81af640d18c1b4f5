"""Time rules shared by every part that counts seconds (one place each)."""

from __future__ import annotations

__all__ = ["MAX_DT_S", "frame_dt"]

MAX_DT_S = 0.5  # a gap in the frames (dropped camera frames, a cut, nobody in view) counts at most this long


def frame_dt(prev_t_s: float | None, t_s: float) -> float:
    """Seconds this frame stands for: the time since the previous one, never negative, at most MAX_DT_S."""
    if prev_t_s is None:
        return 0.0
    return min(max(t_s - prev_t_s, 0.0), MAX_DT_S)
