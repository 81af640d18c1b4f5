"""Exercise specs: declarative TOML files, validated with pydantic at the boundary.

A spec says how to recognise the exercise position, which measures must stay in which range (each a named
fault with a cue), the hold target, how reps are counted and how slow they must be. See
`exercise_specs/*.toml` for commented examples and `posecheck specs schema` for the JSON Schema.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from posecheck.core.geometry import MEASURES
from posecheck.core.tomlfiles import TomlFolders, bundled_dir
from posecheck.errors import SpecInvalid, SpecNotFound

__all__ = [
    "Spec", "Range", "Requirement", "Position", "Check", "Hold", "Reps", "Tempo", "Smoothing", "load_spec", "load_spec_file",
    "find_spec", "list_specs", "spec_dirs", "BUNDLED_SPECS_DIR", "SPECS_ENV", "explain_error", "snake_case",
]

SPECS_ENV = "POSECHECK_SPECS"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def snake_case(v: str, what: str = "name") -> str:
    """`v` if it is a snake_case id (a-z, 0-9, _; a letter first), else a ValueError naming `what`."""
    if not _ID.match(v):
        raise ValueError(f"{what} {v!r} must be snake_case (a-z, 0-9, _)")
    return v


BUNDLED_SPECS_DIR = bundled_dir("exercise_specs")
_FILES = TomlFolders("spec", SPECS_ENV, BUNDLED_SPECS_DIR, SpecNotFound, SpecInvalid, unknown_word="exercise")


class _Model(BaseModel):
    # TOML has nan and inf: a bound of nan compares false both ways and would switch its check off silently.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _check_measure(v: str) -> str:
    if v not in MEASURES:
        close = difflib.get_close_matches(v, MEASURES, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known measures: {', '.join(MEASURES)}"
        raise ValueError(f"unknown measure {v!r}{hint}")
    return v


class Range(_Model):
    """A measure that must lie within [min_deg, max_deg] (either bound may be left out)."""

    measure: str
    min_deg: float | None = None
    max_deg: float | None = None

    _measure = field_validator("measure")(_check_measure)

    @model_validator(mode="after")
    def _bounds(self):
        if self.min_deg is None and self.max_deg is None:
            raise ValueError("give min_deg, max_deg or both")
        if self.min_deg is not None and self.max_deg is not None and self.min_deg > self.max_deg:
            raise ValueError(f"min_deg ({self.min_deg}) is greater than max_deg ({self.max_deg})")
        return self

    def contains(self, value: float, margin_deg: float = 0.0) -> bool | None:
        """True inside (shrunk by `margin_deg`), False outside, None when the value is unknown (NaN)."""
        if value != value:
            return None
        if self.min_deg is not None and value < self.min_deg + margin_deg:
            return False
        if self.max_deg is not None and value > self.max_deg - margin_deg:
            return False
        return True


class Requirement(Range):
    """A range the position needs. `if_unknown`: what an unknown (NaN) measure means for the position:
    "unknown" (cannot tell: the frame is unknown), or "pass" for a helper cue such as the face direction that
    must not make a frame unknown when it cannot be seen."""

    if_unknown: Literal["unknown", "pass"] = "unknown"
    only_if: Range | None = Field(
        None, description="the requirement applies only while this range holds (or its measure is unknown): "
        "a cue that tells two look-alikes apart only where their other ranges meet")

    def applies(self, angles: dict) -> bool:
        return self.only_if is None or self.only_if.contains(angles[self.only_if.measure]) is not False

    def holds(self, angles: dict, margin_deg: float = 0.0) -> bool | None:
        """contains() of this requirement's measure in `angles`; True where it does not apply."""
        return self.contains(angles[self.measure], margin_deg) if self.applies(angles) else True


class Position(_Model):
    """When the person counts as being in the exercise position: all ranges hold, for a while."""

    require: list[Requirement] = Field(min_length=1)
    enter_s: float = Field(0.5, ge=0, description="how long the position must hold before judging starts")
    exit_s: float = Field(1.0, ge=0, description="how long it must be lost before the set counts as ended")
    settle_deg: float | None = Field(
        4.0, gt=0, description="getting into position is not holding it: the set starts once the position's "
        "measures have stayed within this many degrees for settle_s (and is dated from when they did)")
    settle_s: float = Field(0.4, ge=0)


class Check(Range):
    """A form check: outside the range is the fault `id`, cued with `cue`."""

    id: str
    cue: str = Field(min_length=1)
    severity: Literal["major", "minor"] = "major"
    when: Literal["position", "top", "still"] = Field(
        "position", description='"position": whenever in position; "top": only at the top of a rep; '
        '"still": only while the position is held still (a shape fault, not the way into or out of the hold)')
    debounce_s: float = Field(0.3, ge=0, description="the fault must persist this long before it is cued")
    clear_s: float = Field(0.2, ge=0, description="and be gone this long before it clears")
    hysteresis_deg: float = Field(2.0, ge=0, description="a fault clears only this far back inside the range")

    @field_validator("id")
    @classmethod
    def _snake(cls, v: str) -> str:
        return snake_case(v, "fault id")


class Hold(_Model):
    """A static hold: good-form seconds are timed against the target."""

    target_s: float = Field(gt=0)
    max_s: float | None = Field(None, gt=0, description="the upper end of the recommended hold")
    at: Literal["position", "top"] = Field("position", description='"top": the top of each rep (bridge)')

    def reached(self, good_s: float) -> bool:
        """Whether a hold of `good_s` good-form seconds reached the target: one hold reaches it on its own, the
        holds of a session are never added up for it (every view says "reached" by this rule)."""
        return good_s >= self.target_s

    @model_validator(mode="after")
    def _order(self):
        if self.max_s is not None and self.max_s < self.target_s:
            raise ValueError(f"max_s ({self.max_s}) is less than target_s ({self.target_s})")
        return self


class Reps(_Model):
    """How reps are counted on one measure, with hysteresis.

    `out_and_back` (bridge): a rep starts when the measure passes `start_deg` toward `peak_deg` and ends when
    it comes back; it is full if it reached `peak_deg`, else it gets `short_fault`.
    `alternate` (cat/cow): the measure swings between passing `start_deg` (one extreme) and `peak_deg`
    (the other); one visit to each is one rep. With `rest_deg`, both extremes are relative to the person's own
    resting level: they move by (the level seen as the set begins - `rest_deg`).
    """

    measure: str
    mode: Literal["out_and_back", "alternate"] = "out_and_back"
    start_deg: float
    peak_deg: float
    hysteresis_deg: float = Field(3.0, ge=0)
    rest_margin_deg: float | None = Field(
        None, gt=0, description="out_and_back: a rep starts this far beyond the resting level seen in the set "
        "(at start_deg until a rest is seen): bodies differ at rest")
    rest_deg: float | None = Field(
        None, description="alternate: the resting level start_deg and peak_deg are set around; both move with "
        "the person's own resting level, seen as a set begins (bodies and faces read differently at rest)")
    short_fault: str | None = None
    short_cue: str | None = None
    target: int | None = Field(None, gt=0, description="recommended reps per set")
    target_max: int | None = Field(None, gt=0)
    names: tuple[str, str] | None = Field(None, description="names of the start and peak extremes (cat/cow)")

    _measure = field_validator("measure")(_check_measure)

    @model_validator(mode="after")
    def _sane(self):
        if self.start_deg == self.peak_deg:
            raise ValueError("start_deg and peak_deg must differ")
        if self.short_fault is not None and not self.short_cue:
            raise ValueError("short_fault needs a short_cue")
        if self.rest_deg is not None and self.mode != "alternate":
            raise ValueError('rest_deg is for mode = "alternate" (out_and_back has rest_margin_deg)')
        return self

    @property
    def direction(self) -> float:
        """+1 when the measure rises toward the peak, -1 when it falls toward it (the bridge's hip_sag): values
        times this are larger toward the peak."""
        return 1.0 if self.peak_deg > self.start_deg else -1.0


class Tempo(_Model):
    """Slow, controlled movement, in seconds per phase: a rep whose phase is quicker than this has `fault`.

    `min_phase_s` (out_and_back): each lift (rest to top) and each lowering (top back to rest) takes at least
    this, timed at the speed of the middle half of the move (from a quarter to three quarters of the way), so
    that the slow start and end of a move, a pause at the top and landmark jitter do not change it.
    `min_half_s` (alternate mode): the time from one extreme to the other must be at least this.
    `max_speed_deg_s`: the rep measure may not change faster than this over `speed_window_s` (an instantaneous
    speed: kept for specs that use it; a phase time judges tempo better).
    """

    fault: str = "moving_too_fast"
    cue: str = "Slow down: move slowly and smoothly"
    min_phase_s: float | None = Field(None, gt=0, description="out_and_back: each lift and each lowering takes "
                                      "at least this (timed over the middle half of the move)")
    min_half_s: float | None = Field(None, gt=0, description="alternate mode: each half-move takes at least this")
    max_speed_deg_s: float | None = Field(None, gt=0, description="highest allowed speed of the rep measure")
    speed_window_s: float = Field(0.2, gt=0)

    @model_validator(mode="after")
    def _some_limit(self):
        if self.min_half_s is None and self.max_speed_deg_s is None and self.min_phase_s is None:
            raise ValueError("give min_phase_s, min_half_s or max_speed_deg_s")
        return self


class Smoothing(_Model):
    """One Euro filter on each measure (min_cutoff_hz: jitter at rest; beta: less lag when moving)."""

    min_cutoff_hz: float = Field(1.5, gt=0)
    beta: float = Field(0.05, ge=0)


class Spec(_Model):
    name: str
    title: str
    description: str = ""
    position: Position
    checks: list[Check] = []
    hold: Hold | None = None
    reps: Reps | None = None
    tempo: Tempo | None = None
    smoothing: Smoothing = Smoothing()
    cue_repeat_s: float = Field(8.0, gt=0, description="a fault that persists is cued again after this long")
    source_file: str | None = Field(None, exclude=True)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return snake_case(v)

    @model_validator(mode="after")
    def _consistent(self):
        ids = [c.id for c in self.checks]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"check ids must be unique; repeated: {', '.join(sorted(dup))}")
        if any(c.when == "top" for c in self.checks) and (self.reps is None or self.reps.mode != "out_and_back"):
            raise ValueError('a check with when = "top" needs [reps] with mode = "out_and_back"')
        if self.hold is not None and self.hold.at == "top" and (self.reps is None or self.reps.mode != "out_and_back"):
            raise ValueError('[hold] at = "top" needs [reps] with mode = "out_and_back"')
        if self.tempo is not None and self.reps is None:
            raise ValueError("[tempo] needs [reps]: tempo is judged per rep")
        return self

    @property
    def check_counts(self) -> dict[str, int]:
        """How many things the spec judges, by kind: form checks per frame, rep checks (a short rep), tempo."""
        return {"form": len(self.checks),
                "rep": int(self.reps is not None and self.reps.short_fault is not None),
                "tempo": int(self.tempo is not None)}

    @property
    def fault_ids(self) -> list[str]:
        ids = [c.id for c in self.checks]
        if self.reps is not None and self.reps.short_fault:
            ids.append(self.reps.short_fault)
        if self.tempo is not None:
            ids.append(self.tempo.fault)
        return ids

    def cue_for(self, fault: str) -> str:
        """The words the spec gives for a fault: a check's cue, the short-rep cue or the tempo cue."""
        for c in self.checks:
            if c.id == fault:
                return c.cue
        if self.reps is not None and fault == self.reps.short_fault and self.reps.short_cue:
            return self.reps.short_cue
        if self.tempo is not None and fault == self.tempo.fault:
            return self.tempo.cue
        return fault.replace("_", " ")

    def severity_for(self, fault: str) -> str:
        """A check's severity; rep-level faults (short rep, too fast) are major."""
        return next((c.severity for c in self.checks if c.id == fault), "major")

    @property
    def key_measures(self) -> list[str]:
        """Measures worth plotting and drawing: the checks', the reps' and the position's, in that order."""
        out: list[str] = []
        for m in [c.measure for c in self.checks] + ([self.reps.measure] if self.reps else []) + \
                [r.measure for r in self.position.require]:
            if m not in out:
                out.append(m)
        return out


def _format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _model_at(loc: tuple, root: type[BaseModel] | None = None):
    """The pydantic model class that a location points into (for did-you-mean on misspelt keys)."""
    model = root or Spec
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return model
        ann = field.annotation
        nxt = None
        for cand in (ann, *getattr(ann, "__args__", ())):
            for c in (cand, *getattr(cand, "__args__", ())):
                if isinstance(c, type) and issubclass(c, BaseModel):
                    nxt = c
        if nxt is None:
            return model
        model = nxt
    return model


def explain_error(err: dict, root: type[BaseModel] | None = None) -> str:
    """One pydantic error as `key.path: what is wrong` (did-you-mean for a misspelt key), for any file model
    (`root`, default Spec): routines reuse it."""
    loc = tuple(err["loc"])
    where = _format_loc(loc)
    if err["type"] == "extra_forbidden":
        parent = _model_at(loc[:-1], root)
        known = [k for k in parent.model_fields if k != "source_file"]
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"expected one of: {', '.join(known)}"
        return f"{where}: unknown key; {hint}"
    if err["type"] == "missing":
        return f"{where}: required key is missing"
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "finite_number":
        msg = f"must be a finite number, not {err.get('input')!r}"
    return f"{where}: {msg[:200]}"


def parse_spec(data: dict, source: str) -> Spec:
    try:
        return Spec.model_validate({**data, "source_file": source})
    except ValidationError as e:
        problems = [explain_error(err) for err in e.errors()]
        raise SpecInvalid(f"{source}: " + "; ".join(problems), problems) from None


def load_spec_file(path: str | os.PathLike) -> Spec:
    return parse_spec(_FILES.read(path), str(path))


def spec_dirs(extra: list[str | os.PathLike] | None = None) -> list[Path]:
    """Where specs are looked up, first match wins: --specs dirs, then $POSECHECK_SPECS, then the bundled."""
    return _FILES.dirs(extra)


def list_specs(extra_dirs=None) -> dict[str, Path]:
    """name -> file for every spec found, user dirs overriding the bundled ones."""
    return _FILES.list(extra_dirs)


def find_spec(name: str, extra_dirs=None) -> Path:
    return _FILES.find(name, extra_dirs)


def load_spec(name_or_path: str | os.PathLike, extra_dirs=None) -> Spec:
    """A spec by exercise name (looked up in the spec dirs) or by the path of a .toml file."""
    if TomlFolders.is_path(name_or_path):
        return load_spec_file(name_or_path)
    return load_spec_file(find_spec(str(name_or_path), extra_dirs))
