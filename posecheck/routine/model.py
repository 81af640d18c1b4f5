"""Routines: a session of several exercises, one TOML file each, validated with pydantic at the boundary.

    name = "back_basics"
    title = "Back basics"
    [[steps]]
    exercise = "cat_cow"   # a spec name
    reps = 12              # target per set (rep exercises), or:
    # hold_s = 20          # target good-form hold per set (hold exercises)
    sets = 1               # default 1
    rest_s = 30            # rest after each set, default 0

A routine is checked against the specs it names (`load_routine`): a rep target for a rep exercise, a hold for a
hold, and never more than the material's maxima (a spec's `reps.target_max`, `hold.max_s`; at most
`MAX_SETS` sets). Bundled routines live in `routines/` beside `exercise_specs/`; `$POSECHECK_ROUTINES` and
`--routines` add folders. `posecheck schema routine` prints the JSON Schema.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from posecheck.core.specs import Spec, explain_error, load_spec, snake_case
from posecheck.core.tomlfiles import TomlFolders, bundled_dir
from posecheck.errors import RoutineInvalid, RoutineNotFound, SpecError

__all__ = ["Routine", "RoutineStep", "load_routine", "load_routine_file", "find_routine", "list_routines",
           "routine_dirs", "BUNDLED_ROUTINES_DIR", "ROUTINES_ENV", "MAX_SETS", "LoadedRoutine"]

ROUTINES_ENV = "POSECHECK_ROUTINES"
MAX_SETS = 3  # the material: planks "for 2-3 sets"; no exercise of it asks for more


BUNDLED_ROUTINES_DIR = bundled_dir("routines")
_FILES = TomlFolders("routine", ROUTINES_ENV, BUNDLED_ROUTINES_DIR, RoutineNotFound, RoutineInvalid)


class _Model(BaseModel):
    # TOML has inf and nan: a hold of inf seconds would never end.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class RoutineStep(_Model):
    """One exercise of the routine: a rep target or a good-form hold per set, sets, and the rest after each."""

    exercise: str = Field(description="an exercise spec name (see `posecheck specs list`)")
    reps: int | None = Field(None, gt=0, description="target reps per set (rep exercises)")
    hold_s: float | None = Field(None, gt=0, description="target good-form hold per set, seconds (hold exercises)")
    sets: int = Field(1, ge=1, le=MAX_SETS)
    rest_s: float = Field(0.0, ge=0, le=300, description="rest after each set, seconds")
    say: str | None = Field(None, min_length=1, description="the one sentence that announces this step (what "
                            "to do, which way to face the camera); default: made from the spec's title")

    @model_validator(mode="after")
    def _one_target(self):
        if (self.reps is None) == (self.hold_s is None):
            raise ValueError("give either reps (a rep exercise) or hold_s (a hold), not both or neither")
        return self


class Routine(_Model):
    name: str
    title: str
    description: str = ""
    breath_s: float = Field(4.0, ge=2.0, le=12.0, description="one slow breath (in and out) on the pacer of a "
                            "hold, seconds: the material's 7-10 breaths a 20-30 s hold")
    steps: list[RoutineStep] = Field(min_length=1)
    source_file: str | None = Field(None, exclude=True)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return snake_case(v)


class LoadedRoutine:
    """A routine with the spec of each step, checked against them."""

    def __init__(self, routine: Routine, specs: list[Spec]):
        self.routine, self.specs = routine, specs

    @property
    def name(self) -> str:
        return self.routine.name

    @property
    def steps(self) -> list[RoutineStep]:
        return self.routine.steps

    @property
    def planned_s(self) -> float:
        """A rough length: holds and rests as written, a rep as 5 s of slow movement plus its hold at the top
        (the bridge's 5-10 s), 10 s to get into each set."""
        total = 0.0
        for step, spec in zip(self.routine.steps, self.specs):
            top_s = spec.hold.target_s if spec.hold is not None and spec.hold.at == "top" else 0.0
            work = step.hold_s if step.hold_s is not None else (5.0 + top_s) * (step.reps or 0)
            total += step.sets * (work + 10.0 + step.rest_s)
        return total


def _check_against_specs(routine: Routine, source: str, specs_dirs) -> list[Spec]:
    problems, specs = [], []
    for i, step in enumerate(routine.steps):
        where = f"steps[{i}]"
        try:
            spec = load_spec(step.exercise, specs_dirs)
        except SpecError as e:
            problems.append(f"{where}.exercise: {e}")
            continue
        specs.append(spec)
        if step.reps is not None:
            if spec.reps is None:
                problems.append(f"{where}.reps: {spec.name} is a hold, not a rep exercise; give hold_s")
            elif spec.reps.target_max is not None and step.reps > spec.reps.target_max:
                problems.append(f"{where}.reps: {step.reps} is more than the material's most for {spec.name} "
                                f"({spec.reps.target_max} reps)")
        if step.hold_s is not None:
            if spec.hold is None or spec.hold.at != "position":
                problems.append(f"{where}.hold_s: {spec.name} is a rep exercise, not a hold; give reps")
            elif spec.hold.max_s is not None and step.hold_s > spec.hold.max_s:
                problems.append(f"{where}.hold_s: {step.hold_s:g} s is more than the material's most for "
                                f"{spec.name} ({spec.hold.max_s:g} s)")
    if problems:
        raise RoutineInvalid(f"{source}: " + "; ".join(problems))
    return specs


def parse_routine(data: dict, source: str, specs_dirs=None) -> LoadedRoutine:
    try:
        routine = Routine.model_validate({**data, "source_file": source})
    except ValidationError as e:
        raise RoutineInvalid(f"{source}: " + "; ".join(explain_error(err, Routine) for err in e.errors())) from None
    return LoadedRoutine(routine, _check_against_specs(routine, source, list(specs_dirs or [])))


def load_routine_file(path: str | os.PathLike, specs_dirs=None) -> LoadedRoutine:
    return parse_routine(_FILES.read(path), str(path), specs_dirs)


def routine_dirs(extra=None) -> list[Path]:
    """Where routines are looked up, first match wins: --routines dirs, $POSECHECK_ROUTINES, the bundled."""
    return _FILES.dirs(extra)


def list_routines(extra_dirs=None) -> dict[str, Path]:
    return _FILES.list(extra_dirs)


def find_routine(name: str, extra_dirs=None) -> Path:
    return _FILES.find(name, extra_dirs)


def load_routine(name_or_path: str | os.PathLike, specs_dirs=None, routines_dirs=None) -> LoadedRoutine:
    """A routine by name (looked up in the routine dirs) or by the path of a .toml file, with its specs."""
    if TomlFolders.is_path(name_or_path):
        return load_routine_file(name_or_path, specs_dirs)
    return load_routine_file(find_routine(str(name_or_path), routines_dirs), specs_dirs)
