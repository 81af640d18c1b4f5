"""A NaN-safe One Euro filter (Casiez et al. 2012), timed in seconds.

Unlike the reference ports: t = 0 is a valid time, a repeated timestamp does not divide by zero, a NaN input
passes through without touching the state, and after a gap longer than `max_gap_s` the filter restarts
(stale state would drag the new signal).

`OneEuroBank` filters several signals sampled together (every measure of a frame) in one call, which is the
per-frame hot path; `OneEuroFilter` is the same filter for one signal.
"""

from __future__ import annotations

import math

__all__ = ["OneEuroBank", "OneEuroFilter"]

NAN = math.nan
TWO_PI = 2.0 * math.pi


class OneEuroBank:
    __slots__ = ("n", "min_cutoff_hz", "beta", "d_cutoff_hz", "max_gap_s", "_x", "_dx", "_t", "_tau_d")

    def __init__(self, n: int, min_cutoff_hz: float = 1.0, beta: float = 0.0, d_cutoff_hz: float = 1.0,
                 max_gap_s: float = 0.5):
        if min_cutoff_hz <= 0 or d_cutoff_hz <= 0 or beta < 0:
            raise ValueError("cutoffs must be > 0 and beta >= 0")
        self.n = n
        self.min_cutoff_hz, self.beta, self.d_cutoff_hz = min_cutoff_hz, beta, d_cutoff_hz
        self.max_gap_s = max_gap_s
        self._tau_d = 1.0 / (TWO_PI * d_cutoff_hz)
        self.reset()

    def reset(self) -> None:
        self._x = [NAN] * self.n
        self._dx = [0.0] * self.n
        self._t = [NAN] * self.n

    def __call__(self, values, t_s: float) -> list[float]:
        xs, dxs, ts = self._x, self._dx, self._t
        mc, beta, tau_d, gap = self.min_cutoff_hz, self.beta, self._tau_d, self.max_gap_s
        out = [NAN] * self.n
        for i, x in enumerate(values):
            if x != x:  # NaN: unknown passes through, the state waits
                continue
            xp = xs[i]
            dt = t_s - ts[i]
            if xp != xp or not (dt <= gap):
                xs[i], dxs[i], ts[i] = x, 0.0, t_s
                out[i] = x
                continue
            if dt <= 0.0:
                out[i] = xp
                continue
            d = dxs[i] + (1.0 / (1.0 + tau_d / dt)) * ((x - xp) / dt - dxs[i])
            cutoff = mc + beta * abs(d)
            xn = xp + (1.0 / (1.0 + 1.0 / (TWO_PI * cutoff * dt))) * (x - xp)
            xs[i], dxs[i], ts[i] = xn, d, t_s
            out[i] = xn
        return out


class OneEuroFilter:
    """One signal: `f(x, t_s) -> filtered x`."""

    __slots__ = ("_bank",)

    def __init__(self, min_cutoff_hz: float = 1.0, beta: float = 0.0, d_cutoff_hz: float = 1.0,
                 max_gap_s: float = 0.5):
        self._bank = OneEuroBank(1, min_cutoff_hz, beta, d_cutoff_hz, max_gap_s)

    def reset(self) -> None:
        self._bank.reset()

    def __call__(self, x: float, t_s: float) -> float:
        return self._bank((x,), t_s)[0]
