"""posecheck: judges exercise form from video through MediaPipe pose landmarks.

    import posecheck
    report = posecheck.score("sample_videos/plank_sag_a.mp4", exercise="plank")
    print(report.summary.good_hold_s, [c.text for c in report.cues])

Layers, each importing only those above it in this list (data flows the same way):
    errors          the one exception tree
    core/           poses in, typed states and events out: geometry, filters, specs, evaluator parts, session
    io/             frames, pose estimators, landmark recordings, pose streams, atomic writes, the video writer
    words           every English word shown or spoken (one place per language of output)
    render/         drawing on frames: skeleton, labels, HUD, the annotated video, fault snapshots
    report/         the report contract, and its text, CSV, HTML and SVG forms
    live/ tuning/ batch/ api    features: live coaching, tuning, folders and accuracy, the library calls
    cli/            one module per command
"""

from posecheck.api import detect_stream, record, score, score_stream
from posecheck.batch.accuracy import evaluate_clip, evaluate_folder
from posecheck.batch.folder import score_folder
from posecheck.core.detect import detect_poses
from posecheck.core.evaluation import Evaluator, FrameResult
from posecheck.core.landmarks import Landmark, Pose, SourceInfo
from posecheck.core.session import Session
from posecheck.core.specs import Spec, list_specs, load_spec, load_spec_file
from posecheck.errors import (
                              ModelError,
                              NoPersonError,
                              PosecheckError,
                              RecordingFormatError,
                              ReportError,
                              SourceError,
                              SourceOpenError,
                              SpecError,
                              SpecInvalid,
                              SpecNotFound,
                              TimestampError,
)
from posecheck.io.estimators import LegacyPoseEstimator, TasksPoseEstimator
from posecheck.io.frames import CameraSource, ImageSource, VideoSource
from posecheck.io.recording import RecordingHeader, RecordingWriter, read_recording
from posecheck.io.streams import ReplaySource, open_poses
from posecheck.live.run import run_live
from posecheck.report.build import build_report
from posecheck.report.csv import write_csv
from posecheck.report.html import write_html
from posecheck.report.model import Report, load_report, write_json
from posecheck.report.text import summary_text
from posecheck.tuning.scaffold import scaffold_spec
from posecheck.tuning.tune import load_material
import logging

from posecheck.version import __version__

__all__ = [
    "__version__", "score", "score_stream", "record", "build_report",
    "PosecheckError", "SpecError", "SpecNotFound", "SpecInvalid", "SourceError", "SourceOpenError",
    "RecordingFormatError", "TimestampError", "NoPersonError", "ModelError", "ReportError",
    "Evaluator", "FrameResult", "Landmark", "Pose", "SourceInfo", "RecordingHeader", "RecordingWriter",
    "read_recording", "Report", "load_report", "summary_text", "write_json", "Session",
    "CameraSource", "ImageSource", "LegacyPoseEstimator", "ReplaySource", "TasksPoseEstimator", "VideoSource",
    "open_poses", "Spec", "list_specs", "load_spec", "load_spec_file",
    "run_live", "detect_poses", "detect_stream", "score_folder", "write_html", "write_csv",
    "load_material", "scaffold_spec", "evaluate_clip", "evaluate_folder",
]

# The library's messages go through logging ("posecheck.*" loggers); a program shows them by configuring logging.
# Without that, nothing is printed (no last-resort output): the CLI says the same things in its own words.
logging.getLogger("posecheck").addHandler(logging.NullHandler())
