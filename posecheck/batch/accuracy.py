"""How good is the judging? Scores rendered clips whose truth is known and compares.

For every `<name>.mp4` with a `<name>.truth.json` (and `<name>.truth.jsonl`, the true keypoints as a landmark
recording) in a folder: run the model (cached as a recording), judge, and measure against the truth:

- angle error of each judged measure against the same measure on the true keypoints (median, p95);
- per fault id: frame precision/recall, and events: recall, latency from the true onset to the cue, false cues.
  The true onset is when the *true* measure crosses the spec's threshold (not when the injection starts);
- hold-time error: reported good-form seconds against the truth (in position minus the true fault time);
- rep count and good-rep count errors;
- false cues on clean clips;
- neighbour poses: the time a look-alike exercise's spec judges the clip's true in-position time as its own
  (`NEIGHBOURS`: a sphinx is not a cobra, a downward dog is not a piked plank, ...).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from posecheck import core
from posecheck.api import record, score
from posecheck.core.detect import load_all_specs
from posecheck.core.evaluation import NEAR_POSITION_DEG
from posecheck.core.geometry import measure_pose, to_pixels
from posecheck.core.specs import Spec, list_specs, load_spec
from posecheck.io import sampling
from posecheck.io.recording import read_recording
from posecheck.io.sampling import ADAPTIVE
from posecheck.report.model import Report
from posecheck.report.templating import fixed

__all__ = ["ClipResult", "evaluate_clip", "evaluate_folder", "markdown_table", "overall", "recording_path",
           "sampler_policy_digest"]

EVENT_SLACK_S = 0.5  # a cue within this long after the true fault ends still counts as detecting it
IN_POSITION = ("good", "fault", "unknown")  # the states of a frame judged in the exercise's position

# Exercises that look alike from the side. A clip of the key's exercise must not be taken, while the person is
# truly in its position, for any of these: a sphinx (forearms flat) is neither a cobra (on the hands) nor a forearm
# plank (pelvis up), and the other way round; a downward dog is not a piked plank; child's pose is not cat/cow.
NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "sphinx": ("cobra", "forearm_plank"),
    "cobra": ("sphinx",),
    "forearm_plank": ("sphinx",),
    "plank": ("downward_dog",),
    "downward_dog": ("plank", "forearm_plank"),
    "child_pose": ("cat_cow",),
    "cat_cow": ("child_pose",),
}
CUE_WITHIN_S = 0.5  # the bar (issue 12): a fault of 15 deg or more is cued within this long of its true onset


@dataclass
class ClipResult:
    name: str
    exercise: str
    angle_err: dict = field(default_factory=dict)  # measure -> (median, p95, n)
    faults: dict = field(default_factory=dict)  # fault -> dict(tp_frames, fp_frames, fn_frames, events, found, latencies)
    false_cues: list = field(default_factory=list)
    hold_truth_s: float | None = None
    hold_got_s: float | None = None
    reps_truth: int | None = None
    reps_got: int | None = None
    good_reps_truth: int | None = None
    good_reps_got: int | None = None
    clean: bool = False
    detected_frac: float = 1.0
    size_deg: dict = field(default_factory=dict)  # fault -> injected size
    holds_n: int = 1
    hold_at: str = "position"
    mistaken_for: dict = field(default_factory=dict)  # neighbour spec -> seconds it judged as its own position

    @property
    def hold_err_s(self) -> float | None:
        """Reported minus true good-form seconds; per hold for the top holds of rep exercises."""
        if self.hold_truth_s is None or self.hold_got_s is None:
            return None
        return (self.hold_got_s - self.hold_truth_s) / (self.holds_n if self.hold_at == "top" else 1)


def _truth_measures(truth_jsonl: Path, side: str) -> tuple[list[float], list[dict]]:
    header, frames = read_recording(truth_jsonl)
    ts, ms = [], []
    for pose in frames:
        ts.append(pose.t_s)
        ms.append(measure_pose(to_pixels(pose, header.width, header.height, visibility_min=0.0), side))
    return ts, ms


def _intervals(mask: list[bool], ts: list[float]) -> list[tuple[float, float]]:
    out, start = [], None
    for m, t in zip(mask, ts):
        if m and start is None:
            start = t
        elif not m and start is not None:
            out.append((start, t))
            start = None
    if start is not None:
        out.append((start, ts[-1]))
    return out


def _in_any(t: float, ivs, pad: float = 0.0) -> bool:
    return any(a - pad <= t <= b + pad for a, b in ivs)


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:12]


def _video_digest(video: Path) -> str:
    """What the video holds, not when it was written: a checkout or a copy keeps its recordings."""
    with open(video, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()[:12]


def sampler_policy_digest(exercise: str | None = None) -> str:
    """What an adaptive recording depends on beyond the video: the specs whose judging told the model when to
    see every frame (`exercise`'s, or every known exercise's), the sampler's settings and the code that decides
    (the judging core and the sampler). Any of them changed, the frames the model would see may change, so a
    recording made before is not what `score` would see now."""
    specs = [load_spec(exercise)] if exercise not in (None, "none") else load_all_specs()
    return _digest(*(s.model_dump_json() for s in specs), repr(ADAPTIVE), repr(NEAR_POSITION_DEG), _deciding_code())


@functools.lru_cache(maxsize=1)
def _deciding_code() -> str:
    """The judging core and the sampler as code, read once a process (at the first clip, when the modules are
    loaded): a folder of clips does not parse them again for each, and a file edited while an eval runs does
    not rename the recordings that the code already running goes on making."""
    code = sorted(Path(core.__file__).parent.rglob("*.py")) + [Path(sampling.__file__)]
    return _digest(*(_code_only(p) for p in code))


def _code_only(path: Path) -> str:
    """A module as code: its comments and docstrings left out (editing them changes no frame the model sees)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body and \
                isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and \
                isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def recording_path(video: Path, cache_dir: Path, every_frame: bool = True, exercise: str | None = None) -> Path:
    """Where `eval` keeps the clip's landmark recording: named by the video's content; an adaptive one (the
    model skipping still frames unless the judging needs them) also by `sampler_policy_digest`."""
    base = f"{video.stem}.{_video_digest(video)}"
    return cache_dir / (f"{base}.jsonl" if every_frame else
                        f"{base}.adaptive-{sampler_policy_digest(exercise)}.jsonl")


def _cached_recording(video: Path, cache_dir: Path, recompute: bool, every_frame: bool = True,
                      exercise: str | None = None) -> Path:
    """The clip's landmarks, from the model run once. Skipping still frames as `score` does, the model is
    told when to see every frame by the judging of `exercise` (of every exercise for a negative control),
    as `score` would tell it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    rec = recording_path(video, cache_dir, every_frame, exercise)
    if recompute or not rec.exists():
        # Never the frames an interrupted run got to: a later run would take them for the whole clip (an eval
        # stopped with Ctrl-C or a kill left cat_cow_slow_e's recording at 49 of 266 frames: 0 reps judged).
        record(video, rec, every_frame=every_frame, exercise=None if exercise in (None, "none") else exercise,
               keep_partial=False)
    return rec


def evaluate_clip(video: Path, spec: Spec | None = None, cache_dir: Path | None = None,
                  recompute: bool = False, every_frame: bool = False) -> tuple[ClipResult, Report]:
    truth = json.loads(video.with_suffix("").with_suffix(".truth.json").read_text()) \
        if video.with_suffix(".truth.json").exists() else json.loads(
            (video.parent / f"{video.stem}.truth.json").read_text())
    exercise = truth["exercise"]
    src = _cached_recording(video, cache_dir, recompute, every_frame, exercise) if cache_dir else video
    if exercise == "none":
        return _negative_control(video.stem, src, every_frame), None
    spec = spec or load_spec(exercise)
    report = score(src, spec, every_frame=every_frame)
    side = truth.get("camera_side", "left")
    ts, true_m = _truth_measures(video.parent / f"{video.stem}.truth.jsonl", side)
    res = ClipResult(video.stem, exercise, clean=not truth.get("faults") and truth.get("tempo") != "fast")
    frames = report.frames
    n = min(len(frames), len(true_m))
    res.detected_frac = sum(f.detected for f in frames) / max(len(frames), 1)
    in_pos = [(i["start_s"], i["end_s"]) for i in truth.get("in_position", [])]

    # Angle error on the measures the spec judges, in position only (setup poses are not what we tune for).
    for m in spec.key_measures:
        errs = []
        for i in range(n):
            got, want = frames[i].angles_deg.get(m), true_m[i][m]
            if got is None or want != want or not _in_any(ts[i], in_pos):
                continue
            errs.append(abs(got - want))
        if errs:
            res.angle_err[m] = (statistics.median(errs), float(np.percentile(errs, 95)), len(errs))

    # Fault truth by the spec's own threshold applied to the true measure, inside injected intervals.
    checks = {c.id: c for c in spec.checks}
    cues = list(report.cues)
    matched_cues: set[int] = set()
    for f in truth.get("faults", []):
        res.size_deg[f["fault"]] = f.get("requested_size_deg", f.get("size_deg"))  # the nominal size
    for fid, chk in checks.items():
        injected = [(f["onset_s"], f["end_s"]) for f in truth.get("faults", []) if f["fault"] == fid]
        mask = []
        for i in range(n):
            v = true_m[i][chk.measure]
            mask.append(bool(injected) and _in_any(ts[i], injected) and chk.contains(v) is False
                        and _in_any(ts[i], in_pos))
        true_ivs = _intervals(mask, ts[:n])
        big = [f for f in truth.get("faults", []) if f["fault"] == fid
               and abs(f.get("requested_size_deg", f.get("size_deg") or 0)) >= 15
               and _beyond_tolerance(chk, f, frames, ts[:n], in_pos)]
        if big and not true_ivs:
            # MediaPipe reads some measures with a bias (the ear: ~+10 deg of head drop), so a threshold set in
            # its units may never be crossed by the true keypoints: then the injected fault counts from the
            # middle of its ramp in to the middle of its ramp out.
            # (Only for faults of 15 deg or more: a smaller one may rightly stay under the threshold.)
            true_ivs = [((f["onset_s"] + f["full_s"]) / 2, (f["release_s"] + f["end_s"]) / 2) for f in big]
            mask = [_in_any(ts[i], true_ivs) for i in range(n)]
        got = [fid in frames[i].faults for i in range(n)]
        tp = sum(1 for a, b in zip(mask, got) if a and b)
        fp = sum(1 for a, b in zip(mask, got) if b and not a)
        fn = sum(1 for a, b in zip(mask, got) if a and not b)
        lat = []
        for a, b in true_ivs:
            hit = [j for j, c in enumerate(cues) if c.fault == fid and a - 0.1 <= c.t_s <= b + EVENT_SLACK_S]
            if hit:
                lat.append(cues[hit[0]].t_s - a)
                matched_cues.update(hit)
        for j, c in enumerate(cues):
            # Repeats of a cue during a true fault are reminders, not false cues.
            if c.fault == fid and _in_any(c.t_s, true_ivs, EVENT_SLACK_S):
                matched_cues.add(j)
        if true_ivs or tp or fp:
            res.faults[fid] = {"tp": tp, "fp": fp, "fn": fn, "events": len(true_ivs), "found": len(lat),
                               "latency_s": lat}

    # Rep-level truth (bridge too low, too fast).
    t_reps = truth.get("reps", [])
    if spec.reps is not None:
        res.reps_truth, res.reps_got = len(t_reps), report.summary.reps
        res.good_reps_truth = sum(1 for r in t_reps if r.get("good"))
        res.good_reps_got = report.summary.good_reps
        rep_fault_ids = [x for x in (spec.reps.short_fault, spec.tempo.fault if spec.tempo else None) if x]
        for fid in rep_fault_ids:
            want = [r for r in t_reps if fid in r.get("faults", [])]
            if truth.get("tempo") == "fast" and fid == (spec.tempo.fault if spec.tempo else None):
                want = t_reps
            got = [r for r in report.reps if fid in r.faults]
            for j, c in enumerate(cues):
                if c.fault == fid and any(r["start_s"] - 0.5 <= c.t_s <= r["end_s"] + 1.0 for r in want):
                    matched_cues.add(j)
            if want or got:
                res.faults[fid] = {"tp": min(len(want), len(got)), "fp": max(len(got) - len(want), 0),
                                   "fn": max(len(want) - len(got), 0), "events": len(want),
                                   "found": min(len(want), len(got)), "latency_s": [], "rep_level": True}
    res.false_cues = [(c.t_s, c.fault) for j, c in enumerate(cues) if j not in matched_cues]

    # Hold truth: good-form seconds = hold intervals minus the true fault time within them.
    if spec.hold is not None and truth.get("holds") is not None:
        holds = truth["holds"]
        dt = 1.0 / truth.get("fps", 30.0)
        bad_ivs = []
        for fid, chk in checks.items():
            injected = [(f["onset_s"], f["end_s"]) for f in truth.get("faults", []) if f["fault"] == fid]
            if chk.severity == "major" or injected:
                mask = [bool(injected) and _in_any(ts[i], injected) and chk.contains(true_m[i][chk.measure]) is False
                        for i in range(n)]
                bad_ivs += _intervals(mask, ts[:n])
        if spec.hold.at == "top":
            good_reps = [r for r in t_reps if r.get("good")]
            holds = [h for h in holds if any(r["start_s"] - 0.1 <= h["start_s"] <= r["end_s"] for r in good_reps)]
        good = 0.0
        for i in range(n):
            if _in_any(ts[i], [(h["start_s"], h["end_s"] - 1e-9) for h in holds]) and not _in_any(ts[i], bad_ivs):
                good += dt
        res.hold_truth_s, res.hold_got_s = good, report.summary.good_hold_s
        res.holds_n = max(len(holds), 1)
        res.hold_at = spec.hold.at
    res.mistaken_for = _mistaken_for(src, exercise, ts[:n], in_pos, truth.get("fps", 30.0), every_frame)
    return res, report


def _mistaken_for(src, exercise: str, ts: list[float], in_pos, fps: float, every_frame: bool) -> dict[str, float]:
    """Seconds of the clip's true in-position time that each neighbour exercise judges as its own position.

    A spec keeps a position for its `exit_s` after the shape is left, so the first exit_s of each true interval
    is left out: a clip that starts in the neighbour's pose (a plank before the downward dog) or passes through
    it on the way (a sphinx rising through a low forearm plank's shape) is not taken for it by that carry-over."""
    known = set(list_specs())
    out = {}
    for other in NEIGHBOURS.get(exercise, ()):
        if other not in known:
            continue
        grace_s = load_spec(other).position.exit_s
        ivs = [(a + grace_s, b) for a, b in in_pos if b > a + grace_s]
        frames = score(src, other, every_frame=every_frame).frames
        out[other] = sum(1 for f, t in zip(frames, ts) if f.state in IN_POSITION and _in_any(t, ivs)) / fps
    return out


def _beyond_tolerance(chk, fault: dict, frames, ts, in_pos) -> bool:
    """Does an injected fault take the measure past the check's bound, as MediaPipe reads it? Its reading
    in position before the onset, plus the injected size toward the bound. A spec may tolerate some of a
    fault (trainers accept a slight pike: the bound is 18 deg), and a fault within that is not one to cue."""
    pre = [frames[i].angles_deg.get(chk.measure) for i in range(len(ts))
           if ts[i] < fault["onset_s"] and _in_any(ts[i], in_pos)]
    pre = [v for v in pre if v is not None]
    if not pre:
        return True
    neutral = statistics.median(pre)
    size = abs(fault.get("requested_size_deg", fault.get("size_deg") or 0))
    return ((chk.min_deg is not None and neutral - size < chk.min_deg)
            or (chk.max_deg is not None and neutral + size > chk.max_deg))


def _negative_control(name: str, src, every_frame: bool = False) -> ClipResult:
    """A person not exercising: judged against every exercise, any cue or judged time is a false alarm."""
    res = ClipResult(name, "none", clean=True)
    for ex in list_specs():
        rep = score(src, ex, every_frame=every_frame)
        res.detected_frac = sum(f.detected for f in rep.frames) / max(len(rep.frames), 1)
        res.false_cues += [(c.t_s, f"{ex}:{c.fault}") for c in rep.cues]
        judged = rep.summary.state_s.get("good", 0.0) + rep.summary.state_s.get("fault", 0.0)
        if judged > 0:
            res.false_cues.append((0.0, f"{ex}:in_position_{judged:.1f}s"))
    return res


def evaluate_folder(folder: str | os.PathLike, cache_dir: str | os.PathLike | None = None,
                    recompute: bool = False, only: str | None = None, progress=None,
                    every_frame: bool = False) -> list[ClipResult]:
    """Evaluate every clip with a truth file; the model skips still frames as `score` does unless
    `every_frame`."""
    folder = Path(folder)
    videos = sorted(p for p in folder.glob("*.mp4") if (folder / f"{p.stem}.truth.json").exists())
    if only:
        videos = [v for v in videos if only in v.stem]
    out = []
    for i, v in enumerate(videos, 1):
        if progress:
            progress(i, len(videos), v.name)
        res, _ = evaluate_clip(v, cache_dir=Path(cache_dir) if cache_dir else None, recompute=recompute,
                               every_frame=every_frame)
        out.append(res)
    return out


def overall(results: list[ClipResult]) -> dict:
    """Totals across clips: fault recall per size bucket, precision, latency, hold/rep errors, false cues."""
    def bucket(r: ClipResult, fid: str) -> str:
        size = r.size_deg.get(fid)
        if size is None:
            return "rep-level"
        return ">=15" if abs(size) >= 15 - 1e-6 else "<15"
    tot: dict = {}
    for r in results:
        for fid, d in r.faults.items():
            key = (fid, bucket(r, fid))
            t = tot.setdefault(key, {"events": 0, "found": 0, "tp": 0, "fp": 0, "fn": 0, "lat": [],
                                     "rep_level": d.get("rep_level", False)})
            for k in ("events", "found", "tp", "fp", "fn"):
                t[k] += d[k]
            t["lat"] += d["latency_s"]
    clean = [r for r in results if r.clean]
    hold_errs = [abs(r.hold_err_s) for r in results if r.hold_err_s is not None]
    reps = [r for r in results if r.reps_truth is not None]
    all_err = {}
    for r in results:
        for m, (med, p95, k) in r.angle_err.items():
            all_err.setdefault(m, []).append(med)
    big = [t for (fid, b), t in tot.items() if b == ">=15" and not t["rep_level"]]  # timed per frame
    return {
        "faults": tot,
        "big_events": sum(t["events"] for t in big), "big_found": sum(t["found"] for t in big),
        "big_in_time": sum(1 for t in big for x in t["lat"] if x <= CUE_WITHIN_S + 1e-3),  # times: to the ms
        "big_latency_max_s": max((x for t in big for x in t["lat"]), default=None),
        "clean_clips": len(clean), "false_cues_clean": sum(len(r.false_cues) for r in clean),
        "false_cues_all": sum(len(r.false_cues) for r in results),
        "hold_err_max_s": max(hold_errs) if hold_errs else None,
        "hold_err_median_s": statistics.median(hold_errs) if hold_errs else None,
        "rep_count_exact": sum(1 for r in reps if r.reps_got == r.reps_truth), "rep_clips": len(reps),
        "good_rep_exact": sum(1 for r in reps if r.good_reps_got == r.good_reps_truth),
        "angle_median_of_medians": {m: statistics.median(v) for m, v in all_err.items()},
        "neighbour_checks": sum(len(r.mistaken_for) for r in results),
        "mistaken": sorted((r.name, k, v) for r in results for k, v in r.mistaken_for.items() if v > 0),
    }


def _f(x, nd=2, unit="") -> str:
    return fixed(x, nd, unit=unit)


def markdown_table(results: list[ClipResult]) -> str:
    lines = ["| clip | exercise | detected | angle err median/p95 (deg) | faults: events found / recall, "
             "frame P/R, latency | hold err (s; per hold at a rep top) | reps got/truth (good) | false cues |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        ang = ", ".join(f"{m} {med:.1f}/{p95:.1f}" for m, (med, p95, _) in list(r.angle_err.items())[:3])
        fl = []
        for fid, d in r.faults.items():
            prec = d["tp"] / (d["tp"] + d["fp"]) if d["tp"] + d["fp"] else float("nan")
            rec = d["tp"] / (d["tp"] + d["fn"]) if d["tp"] + d["fn"] else float("nan")
            lat = statistics.mean(d["latency_s"]) if d["latency_s"] else None
            fl.append(f"{fid} {d['found']}/{d['events']}, P {_f(prec)} R {_f(rec)}, lat {_f(lat, 2, ' s')}")
        reps = "-" if r.reps_truth is None else f"{r.reps_got}/{r.reps_truth} ({r.good_reps_got}/{r.good_reps_truth})"
        fc = ", ".join(f"{f}@{t:.1f}" for t, f in r.false_cues) or "0"
        mistaken = [f"taken for {k} {v:.1f} s" for k, v in r.mistaken_for.items() if v > 0]
        if mistaken:
            fc += "; " + ", ".join(mistaken)
        lines.append(f"| {r.name} | {r.exercise} | {r.detected_frac:.0%} | {ang or '-'} | {'; '.join(fl) or '-'} | "
                     f"{_f(r.hold_err_s)} | {reps} | {fc} |")
    o = overall(results)
    lines += ["", "**Overall**", "",
              "| fault | size | events found / total | event recall | frame precision | frame recall | mean latency | "
              "max latency |",
              "|---|---|---|---|---|---|---|---|"]
    for (fid, b), t in sorted(o["faults"].items()):
        rec = t["found"] / t["events"] if t["events"] else float("nan")
        fp_ = t["tp"] / (t["tp"] + t["fp"]) if t["tp"] + t["fp"] else float("nan")
        fr_ = t["tp"] / (t["tp"] + t["fn"]) if t["tp"] + t["fn"] else float("nan")
        lat = statistics.mean(t["lat"]) if t["lat"] else None
        lat_max = max(t["lat"]) if t["lat"] else None
        lines.append(f"| {fid} | {b} | {t['found']}/{t['events']} | {_f(rec)} | {_f(fp_)} | {_f(fr_)} | "
                     f"{_f(lat, 2, ' s')} | {_f(lat_max, 2, ' s')} |")
    lines += ["",
              f"- faults of 15 deg or more judged per frame (beyond what the spec tolerates; rep-level ones are "
              f"told as the rep turns back): {o['big_found']}/{o['big_events']} "
              f"cued, {o['big_in_time']}/{o['big_events']} within {CUE_WITHIN_S:g} s of the true onset "
              f"(slowest {_f(o['big_latency_max_s'], 2, ' s')})",
              f"- false cues on clean clips: {o['false_cues_clean']} (over {o['clean_clips']} clean clips); "
              f"all clips: {o['false_cues_all']}",
              f"- hold time error: median {_f(o['hold_err_median_s'])} s, max {_f(o['hold_err_max_s'])} s",
              f"- rep counts exact: {o['rep_count_exact']}/{o['rep_clips']} clips; good-rep counts exact: "
              f"{o['good_rep_exact']}/{o['rep_clips']}",
              f"- neighbour poses: {len(o['mistaken'])} of {o['neighbour_checks']} clip/look-alike pairs taken for "
              "the look-alike in position" + "".join(f"; {c} as {k} {v:.1f} s" for c, k, v in o["mistaken"]),
              "- angle error (median of per-clip medians, deg): " + ", ".join(
                  f"{m} {v:.1f}" for m, v in sorted(o["angle_median_of_medians"].items()))]
    return "\n".join(lines)
