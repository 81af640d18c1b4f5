"""The bad-input corpus: broken and awkward files made from a sample clip at test time.

Each maker returns a path. Kept small (short clips, 320x240) so every command can be run on every case.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

SAMPLES = Path(__file__).resolve().parent.parent / "sample_videos"
DATA = Path(__file__).resolve().parent / "data"


def _frames(src: Path, seconds: float, start_s: float = 0.0):
    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    cap.set(cv2.CAP_PROP_POS_MSEC, start_s * 1000)
    out = []
    while len(out) < int(seconds * fps):
        ok, f = cap.read()
        if not ok:
            break
        out.append(f)
    cap.release()
    return out, fps


def _write(path: Path, frames, fps: float) -> Path:
    h, w = frames[0].shape[:2] if frames else (240, 320)
    fourcc = "MJPG" if path.suffix == ".avi" else "mp4v"
    vw = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (w, h))
    for f in frames:
        vw.write(f)
    vw.release()
    return path


def _avi_rate(data: bytes, rate: int) -> bytes:
    """The AVI with its video stream header's frame rate set to `rate` / 1 (and no frame duration)."""
    import struct

    b = bytearray(data)
    i = b.find(b"strh")
    while b[i + 8: i + 12] != b"vids":
        i = b.find(b"strh", i + 4)
    struct.pack_into("<II", b, i + 28, 1, rate)
    struct.pack_into("<I", b, b.find(b"avih") + 8, 0)
    return bytes(b)


def make_corpus(dir: Path, clip: Path, seconds: float = 4.0, start_s: float = 6.0) -> dict[str, Path]:
    """All cases, keyed by name. `clip` is a side-view plank (the person is in position from start_s)."""
    dir.mkdir(parents=True, exist_ok=True)
    frames, fps = _frames(clip, seconds, start_s)
    c: dict[str, Path] = {}
    c["missing"] = dir / "does_not_exist.mp4"
    c["directory"] = dir / "a_folder"
    c["directory"].mkdir(exist_ok=True)
    c["empty"] = dir / "empty.mp4"
    c["empty"].write_bytes(b"")
    c["text_as_mp4"] = dir / "notes.mp4"
    c["text_as_mp4"].write_text("These are my workout notes, not a video.\n" * 50)
    good = _write(dir / "good.mp4", frames, fps)
    data = good.read_bytes()
    c["truncated"] = dir / "truncated.mp4"
    c["truncated"].write_bytes(data[: len(data) // 3])
    c["zero_frames"] = _write(dir / "zero_frames.mp4", [], fps)
    c["still_image"] = dir / "still.png"
    cv2.imwrite(str(c["still_image"]), frames[len(frames) // 2])
    blank = [np.full_like(frames[0], 128) for _ in frames]
    c["no_person"] = _write(dir / "no_person.mp4", blank, fps)
    # Two people side by side: the clip and its mirror image at half size, in a frame of the same size.
    def two(f):
        h, w = f.shape[:2]
        small = cv2.resize(f, (w // 2, h // 2))
        canvas = np.full_like(f, 200)
        canvas[h // 4: h // 4 + h // 2, : w // 2] = small
        canvas[h // 4: h // 4 + h // 2, w // 2: w // 2 * 2] = cv2.flip(small, 1)
        return canvas
    c["two_people"] = _write(dir / "two_people.mp4", [two(f) for f in frames], fps)
    # The feet beyond the right edge of the picture (the person faces left): a crop, not a black bar.
    w = frames[0].shape[1]
    c["legs_out_of_frame"] = _write(dir / "legs_cut.mp4", [np.ascontiguousarray(f[:, : int(w * 0.6)])
                                                           for f in frames], fps)
    c["very_dark"] = _write(dir / "dark.mp4", [(f.astype(np.float32) * 0.3).astype(np.uint8) for f in frames], fps)
    rotated = DATA / "rotated_phone.mp4"
    if rotated.exists():
        c["rotation_metadata"] = rotated
    # An AVI keeps its frame count in the header and its frames in order, so a cut or damaged one still
    # opens: the frames read are fewer than announced.
    avi = _write(dir / "good.avi", frames, fps)
    data = avi.read_bytes()
    c["ends_early"] = dir / "ends_early.avi"
    c["ends_early"].write_bytes(data[: len(data) // 2])
    damaged = bytearray(data)
    damaged[len(data) // 2: len(data) * 2 // 3] = bytes(len(data) * 2 // 3 - len(data) // 2)
    c["corrupt_stretch"] = dir / "corrupt_stretch.avi"
    c["corrupt_stretch"].write_bytes(bytes(damaged))
    c["fps_zero"] = dir / "fps_zero.avi"
    c["fps_zero"].write_bytes(_avi_rate(data, 0))
    c["fps_huge"] = dir / "fps_huge.avi"
    c["fps_huge"].write_bytes(_avi_rate(data, 2_000_000_000))
    c["malformed_recording"] = dir / "malformed.jsonl"
    c["malformed_recording"].write_text(
        '{"format": "posecheck-landmarks", "version": 1, "width": 640, "height": 480, "fps": 30.0, "source": "x"}\n'
        '{"t_s": 0.0, "landmarks": null}\n'
        '{"t_s": 0.033, "landmarks": [[0.5, 0.5, 0.0]]}\n')
    c["bad_spec_min_gt_max"] = dir / "minmax.toml"
    c["bad_spec_min_gt_max"].write_text(
        'name = "x"\ntitle = "X"\n[position]\n[[position.require]]\nmeasure = "knee"\nmin_deg = 150\n'
        '[[checks]]\nid = "sag"\nmeasure = "body_sag"\nmin_deg = 10\nmax_deg = -10\ncue = "Lift"\n')
    c["bad_spec_misspelt_key"] = dir / "misspelt.toml"
    c["bad_spec_misspelt_key"].write_text(
        'name = "x"\ntitle = "X"\n[position]\n[[position.require]]\nmeasure = "knee"\nmin_deg = 150\n'
        '[[checks]]\nid = "sag"\nmeasure = "body_sag"\nmax_dge = 10\ncue = "Lift"\n')
    return c
