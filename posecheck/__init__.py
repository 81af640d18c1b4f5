"""posecheck: judges exercise form from video through MediaPipe pose landmarks.

    import posecheck
    report = posecheck.score("sample_videos/plank_sag_a.mp4", exercise="plank")
    print(report.summary.good_hold_s, [c.text for c in report.cues])

Stages, data flowing one way: sources -> landmarks -> geometry -> specs -> evaluation -> cues -> report.
"""

__version__ = "0.1.0"

from .api import record, score, score_stream
from .errors import (ModelError, NoPersonError, PosecheckError, RecordingFormatError, ReportError, SourceError,
                     SourceOpenError, SpecError, SpecInvalid, SpecNotFound, TimestampError)
from .evaluation import Evaluator, FrameResult
from .landmarks import Landmark, Pose
from .recording import RecordingHeader, RecordingWriter, read_recording
from .report import Report, load_report, summary_text, write_json
from .session import Session
from .sources import (CameraSource, ImageSource, LegacyPoseEstimator, ReplaySource, TasksPoseEstimator,
                      VideoSource, open_poses)
from .specs import Spec, list_specs, load_spec, load_spec_file

__all__ = [
    "__version__", "score", "score_stream", "record",
    "PosecheckError", "SpecError", "SpecNotFound", "SpecInvalid", "SourceError", "SourceOpenError",
    "RecordingFormatError", "TimestampError", "NoPersonError", "ModelError", "ReportError",
    "Evaluator", "FrameResult", "Landmark", "Pose", "RecordingHeader", "RecordingWriter", "read_recording",
    "Report", "load_report", "summary_text", "write_json", "Session",
    "CameraSource", "ImageSource", "LegacyPoseEstimator", "ReplaySource", "TasksPoseEstimator", "VideoSource",
    "open_poses", "Spec", "list_specs", "load_spec", "load_spec_file",
    # Loaded on first use (they bring OpenCV drawing, threads, HTML): see _LAZY below.
    "run_live", "detect_poses", "detect_stream", "score_folder", "write_html", "write_csv",
    "load_material", "scaffold_spec", "evaluate_clip", "evaluate_folder",
]

_LAZY = {
    "run_live": "live", "detect_poses": "detect", "detect_stream": "detect", "score_folder": "folder",
    "write_html": "html_report", "write_csv": "outputs", "load_material": "tune",
    "scaffold_spec": "scaffold", "evaluate_clip": "accuracy", "evaluate_folder": "accuracy",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'posecheck' has no attribute {name!r}")
