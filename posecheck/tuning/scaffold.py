"""A first spec for a new pose, from one clip (or photo) of it done right: `posecheck specs new`.

    clip = load_clip("tabletop.mp4")
    sc = scaffold_spec(clip, "table_top")
    Path("table_top.toml").write_text(sc.text)      # commented TOML, ready to edit; sc.spec is it, loaded

What goes in, all read off the steady part of the reference (the longest stretch where the body holds still,
so that getting into the pose does not count):

- the position: the incline of each body segment (torso, thigh, shin, upper arm, forearm) against the floor,
  with a wide tolerance. Inclines say how the body lies in space, which is what tells one pose from another
  (standing, plank and table-top can share joint angles, never their inclines);
- checks on the body's own angles that stay steady in the reference (spread under `steady_deg`): each becomes
  one check per direction (knees too bent / too straight) with the reference's range widened by a tolerance
  and a plain-language cue;
- a hold target from the length of the reference hold.

Every number carries a comment saying which reference values it came from.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

import tomlkit

from posecheck.core.evaluation import Evaluator
from posecheck.core.specs import Spec, parse_spec
from posecheck.errors import PosecheckError
from posecheck.tuning.explore import Clip, steady_mask

__all__ = ["Scaffold", "scaffold_spec", "POSITION_MEASURES", "CHECK_CUES"]

POSITION_MEASURES = ("torso_incline", "thigh_incline", "shin_incline", "upper_arm_incline", "forearm_incline")

# measure -> ((fault id, cue) below the range, (fault id, cue) above it, severity, physical (lo, hi)).
CHECK_CUES = {
    "hip_sag": (("hips_piking", "Hips too high: lower them into line"),
                ("hips_sagging", "Hips are sagging: lift them"), "major", (-180.0, 180.0)),
    "body_sag": (("hips_piking", "Hips too high: lower them into one straight line"),
                 ("hips_sagging", "Hips are sagging: lift them"), "major", (-180.0, 180.0)),
    "hip": (("hips_too_bent", "Open your hips a little more"),
            ("hips_too_open", "Bend a little more at the hips"), "major", (0.0, 180.0)),
    "knee": (("knees_too_bent", "Straighten your knees a little"),
             ("knees_too_straight", "Bend your knees a little more"), "major", (0.0, 180.0)),
    "elbow": (("elbows_too_bent", "Straighten your arms a little"),
              ("elbows_too_straight", "Bend your elbows a little"), "major", (0.0, 180.0)),
    "shoulder": (("arms_too_close", "Reach your arms a little further from your body"),
                 ("arms_too_far", "Bring your arms a little closer to your body"), "minor", (0.0, 180.0)),
    "head_drop": (("head_lifted", "Lower your chin: head in line with your back"),
                  ("head_dropping", "Keep your head in line with your back"), "minor", (-180.0, 180.0)),
    "hands_forward": (("hands_too_far_back", "Move your hands a little forward"),
                      ("hands_too_far_forward", "Bring your hands a little back"), "minor", (-180.0, 180.0)),
    "elbows_forward": (("elbows_too_far_back", "Move your elbows a little forward"),
                       ("elbows_too_far_forward", "Bring your elbows a little back"), "minor", (-180.0, 180.0)),
}


@dataclass(frozen=True)
class Scaffold:
    text: str  # the TOML file
    spec: Spec
    start_s: float  # the steady stretch the numbers come from
    end_s: float
    in_position_share: float  # how much of that stretch the new spec itself calls in position
    faults: tuple  # faults the new spec finds in its own reference (should be none)
    skipped: tuple  # (measure, why) of the candidate checks left out


def _r(x: float) -> float:
    return round(x * 2.0) / 2.0


COMMENT_COLUMN = 30  # comments after values start here, so that they read as a column


def _kv(table, key: str, value, comment: str = "") -> None:
    """`key = value` in a tomlkit table or document, with its comment aligned to COMMENT_COLUMN."""
    table.add(key, value)
    if comment:
        item = table[key]
        item.comment(comment)
        width = len(f"{key} = {item.as_string()}")
        item.trivia.comment_ws = " " * max(1, COMMENT_COLUMN - width)


def _pick_check_measures(stats: dict) -> list[str]:
    """The candidate measures, with the redundant ones resolved: the signed deviations replace unsigned angles
    near 180 deg (which fold there and cannot tell a sag from a pike)."""
    out = []
    body_line = stats["body_line"]["median"]
    hip = stats["hip"]["median"]
    if body_line == body_line and body_line > 150:
        out.append("body_sag")  # a straight body is part of this pose: judge the hips against the line
    elif hip == hip and hip > 150:
        out.append("hip_sag")
    else:
        out.append("hip")
    out += ["knee", "elbow", "shoulder", "head_drop"]
    # Where the arm bears weight, one of the two says it: the hands for a straight arm, the elbows for a bent one
    # (on the forearms); both for a straight arm would be the same check twice.
    elbow = stats["elbow"]["median"]
    if elbow == elbow:
        out.append("hands_forward" if elbow > 150 else "elbows_forward")
    return out


def scaffold_spec(clip: Clip, name: str, *, title: str | None = None, tolerance_deg: float = 10.0,
                  position_tolerance_deg: float = 25.0, steady_deg: float = 12.0, hold_s: float | None = None,
                  ) -> Scaffold:
    """A spec for the pose held in `clip` (see the module docstring)."""
    if tolerance_deg <= 0 or position_tolerance_deg <= 0:
        raise PosecheckError("tolerances must be > 0 degrees")
    series = clip.series().subset(clip.in_range())
    if not series.detected.any():
        raise PosecheckError(f"{clip.label}: no person detected; give a clip where the whole body is in view")
    steady = steady_mask(series)
    t = series.t_s[steady]
    t0, t1 = float(t.min()), float(t.max())
    stats = series.stats(steady)
    n = int(steady.sum())
    known = {m: s["n"] / n for m, s in stats.items()}
    title = title or name.replace("_", " ").capitalize()
    ref = f"{clip.label} {t0:.1f}-{t1:.1f} s" if not clip.still else clip.label

    def rng(m):
        s = stats[m]
        return f"reference {s['p5']:.1f}..{s['p95']:.1f}" if s["p95"] - s["p5"] >= 0.5 else \
            f"reference {s['median']:.1f}"

    doc = tomlkit.document()
    for line in (f"{title}.",
                 f"Scaffolded by `posecheck specs new` from {ref} ({n} frame{'s' if n != 1 else ''} held still).",
                 "Every range is the reference's own p5..p95 widened by a tolerance: edit the cues, tighten or",
                 "widen the numbers (`posecheck tune` does it from clips of good and faulty form), then",
                 "`posecheck specs validate` this file. Measures are named in posecheck/geometry.py (degrees)."):
        doc.add(tomlkit.comment(line))
    _kv(doc, "name", name)
    _kv(doc, "title", title)
    _kv(doc, "description", f"{title}: hold the pose as in the reference ({clip.label}).")
    _kv(doc, "cue_repeat_s", 8.0)
    doc.add(tomlkit.nl())
    position = tomlkit.table()
    position.add(tomlkit.comment(f"In position: each body segment's incline against the floor within "
                                 f"{position_tolerance_deg:g} deg of the reference."))
    _kv(position, "enter_s", 0.5)
    _kv(position, "exit_s", 1.0)
    require = tomlkit.aot()
    for m in POSITION_MEASURES:
        s = stats[m]
        if known[m] < 0.8:
            continue
        lo, hi = _r(s["p5"] - position_tolerance_deg), _r(s["p95"] + position_tolerance_deg)
        lo_ok, hi_ok = lo > -90.0, hi < 90.0  # inclines live in -90..90: a bound past that is no bound
        if not (lo_ok or hi_ok):
            continue
        req = tomlkit.table()
        _kv(req, "measure", m, rng(m))
        if lo_ok:
            _kv(req, "min_deg", lo, f"-{position_tolerance_deg:g}")
        if hi_ok:
            _kv(req, "max_deg", hi, f"+{position_tolerance_deg:g}")
        require.append(req)
    n_req = len(require)
    face = stats.get("face_down", {}).get("median", float("nan"))
    if face == face and abs(face) >= 30.0 and known["face_down"] >= 0.5:
        # Prone or supine: the limbs of a pose and of its mirror image face up can read alike (plank and
        # reverse plank). The nose is often unseen, so an unknown face must not block the position.
        prone = face > 0
        req = tomlkit.table()
        _kv(req, "measure", "face_down", f"reference {face:.0f}: face toward the "
            + ("floor (prone)" if prone else "ceiling (supine)"))
        _kv(req, "min_deg" if prone else "max_deg", 10.0 if prone else -10.0,
            "the same limbs face " + ("up" if prone else "down") + " are another pose")
        _kv(req, "if_unknown", "pass", "the nose is often hidden: no verdict then")
        require.append(req)
    if n_req == 0:
        raise PosecheckError(f"{clip.label}: too few body segments are visible to recognise the pose "
                             "(need the torso, legs or arms in view from the side)")
    position.add("require", require)
    doc.add("position", position)

    skipped = []
    checks = tomlkit.aot()
    for m in _pick_check_measures(stats):
        s = stats[m]
        if known[m] < 0.8:
            skipped.append((m, "not visible enough in the reference"))
            continue
        spread = s["p95"] - s["p5"]
        if spread > steady_deg:
            skipped.append((m, f"moves {spread:.0f} deg in the reference: not a fixed part of the pose"))
            continue
        (lo_id, lo_cue), (hi_id, hi_cue), severity, (plo, phi) = CHECK_CUES[m]
        lo, hi = _r(s["p5"] - tolerance_deg), _r(s["p95"] + tolerance_deg)
        for fid, cue, key, val, sign, ok in ((lo_id, lo_cue, "min_deg", lo, "-", lo > plo),
                                             (hi_id, hi_cue, "max_deg", hi, "+", hi < phi)):
            if not ok:
                continue
            check = tomlkit.table()
            _kv(check, "id", fid)
            _kv(check, "measure", m, rng(m))
            _kv(check, key, val, f"{sign}{tolerance_deg:g} tolerance")
            _kv(check, "cue", cue)
            _kv(check, "severity", severity)
            checks.append(check)
    if checks:
        doc.add("checks", checks)

    if hold_s is None:
        dur = t1 - t0
        if clip.still:
            hold_s, why = 20.0, "a still image gives no duration: 20 s to start with"
        else:
            hold_s = float(max(10, int(dur // 5) * 5))
            why = f"the reference holds {dur:.0f} s" + (" (10 s at least)" if dur < 10.0 else "")
    else:
        why = "as asked"
    hold = tomlkit.table()
    _kv(hold, "target_s", float(hold_s), why)
    doc.add("hold", hold)
    smoothing = tomlkit.table()
    _kv(smoothing, "min_cutoff_hz", 1.5)
    _kv(smoothing, "beta", 0.05)
    doc.add("smoothing", smoothing)
    text = tomlkit.dumps(doc)
    spec = parse_spec(tomllib.loads(text), f"{name}.toml")

    # The reference must be recognised and judged good by its own spec: say so rather than assume it.
    ev = Evaluator(spec, clip.info.width, clip.info.height, still=clip.still)
    frames = [ev.step(p) for p in clip.poses]
    in_range = clip.in_range()
    held = [f for f, k in zip(frames, in_range) if k]
    held = [f for f in held if t0 <= f.t_s <= t1]
    share = sum(f.in_position for f in held) / max(len(held), 1)
    faults = sorted({x for f in held for x in f.faults})
    return Scaffold(text, spec, t0, t1, share, tuple(faults), tuple(skipped))
