#!/usr/bin/env python
"""Render synthetic exercise clips with ground truth from TOML clip descriptions.

    python tools/render/render_clip.py sample_videos/descriptions/plank_sag_a.toml --out sample_videos/

writes <name>.mp4, <name>.truth.json and <name>.truth.jsonl per description.
See tools/render/README.md for the description schema and the install.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

import cv2  # noqa: E402  (before pyrender: both are fine in either order, kept for clarity)
import scene  # noqa: E402  sets PYOPENGL_PLATFORM before pyrender loads
import truth  # noqa: E402
from body import Body  # noqa: E402
from timeline import ANCHORS, Description, Timeline, load_description  # noqa: E402
from world import WorldFrame, place  # noqa: E402


def leg_share(body: Body) -> float:
    """Share of a hip sag taken by the trunk so that shoulders and feet stay put."""
    k = body.rest_keypoints
    trunk = np.linalg.norm(k["left_shoulder"] - k["left_hip"])
    leg = np.linalg.norm(k["left_ankle"] - k["left_hip"])
    return float(leg / (leg + trunk))


def make_camera(desc: Description, target_x: float) -> scene.Camera:
    c = desc.camera
    aim = float(c.get("aim_height_m", c["height_m"]))
    return scene.Camera(side=c["side"], distance_m=float(c["distance_m"]), height_m=float(c["height_m"]),
                        fov_deg=float(c["fov_deg"]), width=int(desc.video["width"]), height=int(desc.video["height"]),
                        target=np.array([target_x, aim, 0.0]))


def anchor_x(frame: WorldFrame, anchor: str) -> float:
    idx = ANCHORS[anchor]
    return float(np.mean(frame.landmarks[list(idx), 0])) if idx else 0.0


class Clip:
    def __init__(self, path: Path, log=print):
        self.desc = load_description(path)
        self.log = log
        d = self.desc
        self.body = Body(d.body, d.clothing, d.body_phenotype)
        self.timeline = Timeline(d, leg_share(self.body))
        self.side = d.camera["side"]
        self.anchor_ref: float | None = None

    # ---------------------------------------------------------- calibration
    def _measure(self, n: int, t: float, scale: float, cam: scene.Camera):
        f = self.desc.faults[n]
        others = {m: 0.0 for m in range(len(self.desc.faults)) if m != n}
        fr_f = place(self.body, self.timeline.state(t, {**others, n: scale}))
        fr_g = place(self.body, self.timeline.state(t, {**others, n: 0.0}))
        self._anchor(fr_f)
        self._anchor(fr_g)
        return truth.fault_size(f.fault, cam.project(fr_f.landmarks), fr_f.landmarks,
                                cam.project(fr_g.landmarks), fr_g.landmarks, self.side)

    def _anchor(self, fr: WorldFrame) -> None:
        """Slide a frame along x so the clip's anchor is where it is in frame 0 (once frame 0 is known)."""
        if self.anchor_ref is None or self.desc.anchor == "none":
            return
        dx = self.anchor_ref - anchor_x(fr, self.desc.anchor)
        fr.vertices[:, 0] += dx
        fr.landmarks[:, 0] += dx

    def fault_time(self, f) -> float:
        """The instant a fault's size is set and measured: the video frame nearest the middle of its plateau."""
        return round(0.5 * (f.full_s + f.release_s) * self.desc.fps) / self.desc.fps

    def calibrate(self, camera: scene.Camera | None = None):
        """Find each fault's gain so that the size measured on the truth keypoints is the one asked for.

        First with a provisional camera (before the clip's framing is known), then again with the final one."""
        for n, f in enumerate(self.desc.faults):
            if not f.size:
                continue
            t = self.fault_time(f)
            cam = camera
            if cam is None:
                fr = place(self.body, self.timeline.state(t, {n: 0.0}))
                cam = make_camera(self.desc, float(np.nanmean(fr.landmarks[:, 0])))
            target = f.size
            tol = 0.05 * (1 if f.fault != "pelvis_off_floor" else 0.02)
            # x: a multiplier on the current gain; the size grows with it. Secant steps, kept inside the bracket
            # [lo, hi] around the target once there is one: a fault that saturates (a bridge blended all the way
            # to its bottom pose) reads the same size beyond some x, which stalls a plain secant.
            x0, y0 = 0.0, self._measure(n, t, 0.0, cam)
            x1, y1 = 1.0, self._measure(n, t, 1.0, cam)
            lo, hi = 0.0, None
            for _ in range(16):
                if abs(y1 - target) < tol:
                    break
                if y1 < target:
                    lo = max(lo, x1)
                else:
                    hi = x1 if hi is None else min(hi, x1)
                x2 = x1 + (target - y1) * (x1 - x0) / (y1 - y0) if abs(y1 - y0) > 1e-9 else math.nan
                if hi is not None and not lo < x2 < hi:
                    x2 = 0.5 * (lo + hi)
                elif hi is None and not x2 > lo:
                    x2 = 2.0 * max(lo, 1.0)
                x0, y0 = x1, y1
                x1, y1 = x2, self._measure(n, t, x2, cam)
            f.gain *= x1
            self.log(f"  calibrated {f.fault} {target}{' (final camera)' if camera else ''}: "
                     f"gain {f.gain:.3f} -> measured {y1:.2f}")

    # --------------------------------------------------------------- frames
    def build_frames(self):
        d = self.desc
        self.frames: list[WorldFrame] = []
        t0 = time.time()
        for i in range(d.frames):
            self.frames.append(place(self.body, self.timeline.state(i / d.fps)))
        self.t_pose = (time.time() - t0) / max(1, d.frames)
        # keep the anchor (hands, feet...) still along the floor
        self.anchor_ref = anchor_x(self.frames[0], d.anchor) if d.anchor != "none" else None
        for fr in self.frames:
            self._anchor(fr)
        xs = np.concatenate([fr.vertices[::7, 0] for fr in self.frames[::3]])
        self.camera = make_camera(d, 0.5 * (xs.min() + xs.max()))
        self.extent_x = (float(xs.min()), float(xs.max()))
        # with the final camera, calibrate the faults again and redo the frames they touch
        sized = [f for f in d.faults if f.size]
        if sized:
            self.calibrate(self.camera)
            for i in range(d.frames):
                t = i / d.fps
                if any(f.onset_s < t < f.end_s for f in sized):
                    self.frames[i] = place(self.body, self.timeline.state(t))
                    self._anchor(self.frames[i])

    def check_framing(self) -> float:
        """Fraction of sampled vertices outside the picture (0 = all in view)."""
        cam = self.camera
        out = 0
        tot = 0
        for fr in self.frames[::10]:
            p = cam.project(fr.vertices[::5])
            out += int(np.sum((p[:, 0] < 0) | (p[:, 0] >= cam.width) | (p[:, 1] < 0) | (p[:, 1] >= cam.height)))
            tot += len(p)
        return out / max(1, tot)

    # ---------------------------------------------------------------- truth
    def truth_json(self, px_frames: list[np.ndarray]) -> dict:
        d = self.desc
        fps = d.fps
        end = d.duration_s

        def intervals(flag: str):
            out = []
            for k, kf in enumerate(d.keyframes):
                if getattr(kf, flag):
                    t1 = d.keyframes[k + 1].t_s if k + 1 < len(d.keyframes) else end
                    if out and abs(out[-1]["end_s"] - kf.t_s) < 1e-9:
                        out[-1]["end_s"] = round(t1, 3)
                    else:
                        out.append({"start_s": round(kf.t_s, 3), "end_s": round(t1, 3)})
            return out

        faults = []
        for n, f in enumerate(d.faults):
            entry = {"fault": f.fault}
            if f.size:
                i = min(len(px_frames) - 1, int(round(self.fault_time(f) * fps)))
                good = place(self.body, self.timeline.state(i / fps, {n: 0.0}))
                self._anchor(good)
                px_good = self.camera.project(good.landmarks)
                achieved = truth.fault_size(f.fault, px_frames[i], self.frames[i].landmarks, px_good,
                                            good.landmarks, self.side)
                if f.fault == "pelvis_off_floor":
                    entry["size_m"] = round(achieved, 3)
                    entry["requested_size_m"] = f.size_m
                    entry["size_deg"] = round(self._hip_elevation_change(i, good), 1)
                else:
                    entry["size_deg"] = round(achieved, 1)
                    entry["requested_size_deg"] = f.size_deg
            else:
                entry["size_deg"] = None
            entry.update(onset_s=f.onset_s, full_s=f.full_s, release_s=f.release_s, end_s=f.end_s)
            faults.append(entry)

        reps = []
        start = None
        for kf in d.keyframes:
            if kf.rep == "start":
                start = kf.t_s
            elif kf.rep == "end" and start is not None:
                rf = sorted({f["fault"] for f in faults if f["onset_s"] < kf.t_s and f["end_s"] > start})
                if d.tempo == "fast":
                    rf.append("moving_too_fast")
                    faults.append({"fault": "moving_too_fast", "size_deg": None, "onset_s": start, "full_s": start,
                                   "release_s": kf.t_s, "end_s": kf.t_s})
                reps.append({"start_s": round(start, 3), "end_s": round(kf.t_s, 3), "good": not rf, "faults": rf})
                start = None
        faults.sort(key=lambda f: f["onset_s"])
        return {
            "format": "posecheck-truth", "version": 1, "name": d.name, "exercise": d.exercise,
            "description": f"descriptions/{d.path.name}",
            "width": int(d.video["width"]), "height": int(d.video["height"]), "fps": float(fps),
            "frames": d.frames, "duration_s": round(d.frames / fps, 6),
            "camera_side": self.side, "body": d.body,
            "in_position": intervals("in_position"), "faults": faults, "holds": intervals("hold"),
            "reps": reps, "tempo": d.tempo,
            "camera": self.camera.to_json(),
        }

    def _hip_elevation_change(self, i: int, good: WorldFrame) -> float:
        """Change of the hip's elevation angle seen from the ankle (deg), fault minus good."""

        def elev(lm):
            h, a = lm[truth.side_index("hip", self.side)], lm[truth.side_index("ankle", self.side)]
            return math.degrees(math.atan2(h[1] - a[1], abs(h[0] - a[0])))

        return elev(self.frames[i].landmarks) - elev(good.landmarks)

    # --------------------------------------------------------------- render
    def write_truth(self, out_dir: Path) -> None:
        d = self.desc
        px_frames = [self.camera.project(fr.landmarks) for fr in self.frames]
        truth.write_jsonl(out_dir / f"{d.name}.truth.jsonl", d.name, self.camera.width, self.camera.height, d.fps,
                          px_frames, [fr.landmarks for fr in self.frames])
        truth.write_json(out_dir / f"{d.name}.truth.json", self.truth_json(px_frames))

    def render(self, out_dir: Path, preview: list[int] | None = None, video: bool = True) -> dict:
        d = self.desc
        cam = self.camera
        room = dict(d.room)
        room.setdefault("mat_x_m", float(np.mean(self.extent_x)))
        room.setdefault("mat_length_m", min(2.2, self.extent_x[1] - self.extent_x[0] + 0.3))
        if d.exercise == "none" and "mat" not in room:
            room["mat"] = any(kf.pose != "standing" for kf in d.keyframes)
        r = scene.Renderer(cam, self.body.faces, self.body.colors, room)
        px_frames = [cam.project(fr.landmarks) for fr in self.frames]
        writer = None
        if video:
            # written under a temporary name and renamed when complete, so readers never see half a clip
            part = out_dir / f"{d.name}.part.mp4"
            writer = cv2.VideoWriter(str(part), cv2.VideoWriter_fourcc(*"mp4v"), d.fps, (cam.width, cam.height))
        t0 = time.time()
        n_rendered = 0
        for i, fr in enumerate(self.frames):
            if not video and (not preview or i not in preview):
                continue
            img = r.render(fr.vertices)
            n_rendered += 1
            bgr = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
            if writer is not None:
                writer.write(bgr)
            if preview and i in preview:
                cv2.imwrite(str(out_dir / f"{d.name}.f{i:04d}.png"), draw_points(bgr.copy(), px_frames[i]))
        t_render = (time.time() - t0) / max(1, n_rendered)
        if writer is not None:
            writer.release()
            os.replace(part, out_dir / f"{d.name}.mp4")
        r.close()
        if video:
            self.write_truth(out_dir)
        return {"t_pose": self.t_pose, "t_render": t_render}


def draw_points(img: np.ndarray, px: np.ndarray) -> np.ndarray:
    bones = [(11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 25), (25, 27), (24, 26), (26, 28),
             (27, 29), (29, 31), (27, 31), (28, 30), (30, 32), (28, 32), (11, 12), (23, 24), (7, 11), (8, 12)]
    for a, b in bones:
        if np.isfinite(px[a, 0]) and np.isfinite(px[b, 0]):
            col = (0, 200, 255) if a % 2 == 1 else (255, 120, 0)
            cv2.line(img, (int(px[a, 0]), int(px[a, 1])), (int(px[b, 0]), int(px[b, 1])), col, 1, cv2.LINE_AA)
    for i, (u, v, _) in enumerate(px):
        if np.isfinite(u):
            cv2.circle(img, (int(u), int(v)), 2, (0, 0, 255) if i % 2 == 1 else (255, 0, 0), -1)
    return img


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("descriptions", nargs="+", type=Path, help="clip description TOML files")
    ap.add_argument("--out", type=Path, default=Path("sample_videos"), help="output folder (default: sample_videos)")
    ap.add_argument("--preview", default="", help="comma-separated frame indices to write as PNG with truth points")
    ap.add_argument("--preview-only", action="store_true", help="write only the preview PNGs (no video, no truth)")
    ap.add_argument("--truth-only", action="store_true",
                    help="write only the truth files (no rendering; the pose pipeline is deterministic)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    preview = [int(x) for x in args.preview.split(",") if x.strip()]
    failed = []
    for path in args.descriptions:
        try:
            render_one(path, args, preview)
        except Exception as exc:  # keep going with the other clips; report at the end
            import traceback

            traceback.print_exc()
            failed.append(f"{path}: {exc}")
    for f in failed:
        print(f"FAILED {f}", file=sys.stderr)
    return 1 if failed else 0


def render_one(path: Path, args, preview: list[int]) -> None:
    if True:
        t0 = time.time()
        clip = Clip(path)
        d = clip.desc
        print(f"{d.name}: {d.frames} frames, {d.exercise}, {d.body}, camera {clip.side}", flush=True)
        clip.calibrate()
        clip.build_frames()
        outside = clip.check_framing()
        pitch = [abs(f.pitch_deg) for f in clip.frames]
        pen = max(f.floor["penetration_m"] for f in clip.frames)
        gaps = {}
        for f in clip.frames:
            for k, v in f.floor.items():
                if k.startswith("gap_"):
                    gaps[k] = max(gaps.get(k, 0.0), v)
        print(f"  pose+place {clip.t_pose * 1000:.0f} ms/frame; |pitch| max {max(pitch):.1f} deg; "
              f"penetration max {pen * 1000:.1f} mm; contact gaps max "
              + ", ".join(f"{k[4:-2]} {v * 1000:.1f} mm" for k, v in gaps.items())
              + f"; outside picture {outside * 100:.2f} %", flush=True)
        if args.truth_only:
            clip.write_truth(args.out)
            print(f"  truth written; total {time.time() - t0:.0f} s", flush=True)
            return
        stats = clip.render(args.out, preview, video=not args.preview_only)
        print(f"  render {stats['t_render'] * 1000:.0f} ms/frame; total {time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
