"""Labelled landmark frames (the Ngo plank frames' CSV layout): the loader, and how the default specs and
`tune` judge them. The real frames live beside the checkout (../shared/data/real/labeled); those tests skip
without them."""

import math
import sys
from pathlib import Path

import numpy as np
import pytest

from posecheck.core.landmarks import Landmark
from posecheck.core.specs import load_spec
from posecheck.errors import PosecheckError, SourceOpenError
from posecheck.io.labeled import read_labeled_csv
from posecheck.tuning.tune import FrameClasses, frame_threshold, labeled_material, tune

ROOT = Path(__file__).resolve().parent.parent
LABELED = ROOT.parent / "shared" / "data" / "real" / "labeled"
needs_ngo = pytest.mark.skipif(not (LABELED / "ngo_dataset2_2022-11-16.csv").exists(),
                               reason="the Ngo frames (../shared/data/real/labeled) are not beside this checkout")
NAMES = ["nose", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
         "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"]


def write_csv(path, rows):
    header = ["label"] + [f"{n}_{a}" for n in NAMES for a in "xyzv"]
    lines = [",".join(header)]
    for label, pts in rows:
        lines.append(",".join([label] + [f"{v:.6f}" for n in NAMES for v in (*pts[n], 0.0, 0.99)]))
    path.write_text("\n".join(lines) + "\n")
    return path


def plank_row(sag_px=0.0):
    """A forearm plank seen from the side, normalised to a 1280x720 frame; `sag_px` drops the hip."""
    px = {"shoulder": (400, 400), "elbow": (400, 470), "wrist": (500, 470), "hip": (700, 400 + sag_px),
          "knee": (850, 420), "ankle": (1000, 440), "nose": (330, 430)}
    out = {"nose": (px["nose"][0] / 1280, px["nose"][1] / 720)}
    for side in ("left", "right"):
        for part in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle"):
            out[f"{side}_{part}"] = (px[part][0] / 1280, px[part][1] / 720)
    return out


def test_rows_become_poses_with_the_absent_landmarks_unknown(tmp_path):
    f = write_csv(tmp_path / "frames.csv", [("C", plank_row()), ("L", plank_row(40.0))])
    frames = read_labeled_csv(f)
    assert [fr.label for fr in frames.frames] == ["C", "L"] and frames.labels() == ["C", "L"]
    pose = frames.frames[0].pose
    assert pose.xyz.shape == (33, 3) and pose.visibility.shape == (33,)
    assert pose.xyz[Landmark.LEFT_HIP, 0] == pytest.approx(700 / 1280, abs=1e-6)
    assert math.isnan(pose.xyz[Landmark.LEFT_EAR, 0]) and pose.visibility[Landmark.LEFT_EAR] == 0.0
    assert frames.info.kind == "image" and (frames.info.width, frames.info.height) == (1280, 720)


def test_a_file_without_labels_or_landmarks_is_a_clear_error(tmp_path):
    (tmp_path / "a.csv").write_text("nose_x,nose_y\n0.1,0.2\n")
    with pytest.raises(SourceOpenError, match="no 'label' column"):
        read_labeled_csv(tmp_path / "a.csv")
    (tmp_path / "b.csv").write_text("label,foo\nC,1\n")
    with pytest.raises(SourceOpenError, match="no landmark columns"):
        read_labeled_csv(tmp_path / "b.csv")
    with pytest.raises(SourceOpenError, match="cannot read"):
        read_labeled_csv(tmp_path / "missing.csv")


def test_frame_threshold_misjudges_the_fewest_frames_and_ignores_a_lone_outlier():
    good = np.array([0.0, 1.0, 2.0, 3.0, 30.0])  # one good frame far out (a mislabel or a glitch)
    bad = np.array([10.0, 12.0, 15.0, 20.0])
    th, errors = frame_threshold(good, bad)
    assert 3.0 < th < 10.0 and errors == 1


def test_classes_name_good_form_and_checks():
    assert FrameClasses.parse("C=good, H=hips_piking").classes == {"C": None, "H": "hips_piking"}
    with pytest.raises(PosecheckError, match="LABEL=good"):
        FrameClasses.parse("H=hips_piking")
    with pytest.raises(PosecheckError, match="LABEL=good or LABEL=CHECK_ID"):
        FrameClasses.parse("C")


def test_labelled_frames_naming_an_unknown_check_are_refused(tmp_path):
    frames = read_labeled_csv(write_csv(tmp_path / "f.csv", [("C", plank_row())])).frames
    with pytest.raises(PosecheckError, match="no check 'hips_saging'"):
        labeled_material(frames, FrameClasses.parse("C=good,L=hips_saging"), 1280, 720,
                         spec=load_spec("forearm_plank"))


def _ngo(aspect=(1280, 720)):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import ngo_accuracy  # the benchmark's own split and scoring
    files = {p.name: read_labeled_csv(p, *aspect) for p in sorted(LABELED.glob("ngo_*.csv"))}
    return ngo_accuracy, files


@needs_ngo
def test_default_specs_catch_the_trainers_sags_and_big_pikes_and_judge_every_plank_frame():
    bench, files = _ngo()
    frames = [f for lf in files.values() for f in lf.frames]
    s = bench.scores(bench.judge_frames(frames, [load_spec("forearm_plank"), load_spec("plank")], 1280, 720))
    assert s["H"] >= 0.95 and s["L"] >= 0.95
    # Not in position (9 of 8788), none of them a pike or a sag: 4 "hips too high" frames where the person leaves
    # the plank (feet walked in 155 px over 4 frames, knees down to the floor at 86-124 deg; one more knee dip),
    # 3 sagging frames with the legs drawn up under the body, and one frame (in two files) where MediaPipe flips to
    # the far side, whose knee reads 88. Cannot tell (3): one frame (in two files) the view test finds turned, one
    # whose wrist is unseen (visibility 0.48). Forearm planks whose elbow reads above the wrist (forearm 35-54, 32
    # frames) are judged on their tucked toes.
    assert s["none"] <= 0.0012 * s["n"] and s["unknown"] <= 0.0005 * s["n"]


@needs_ngo
def test_tune_adapts_to_the_trainer_on_frames_it_did_not_see():
    bench, files = _ngo()
    for fold, (train, test) in bench.split(files).items():
        material = labeled_material(train, bench.CLASS_MAP, 1280, 720, label=f"fold {fold}")
        result = tune(material, load_spec("forearm_plank"))
        s = bench.scores(bench.judge_frames(test, [result.tuned], 1280, 720))
        assert s["accuracy"] >= 0.95, (fold, s)
