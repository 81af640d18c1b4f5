"""posecheck: judges exercise form from video through MediaPipe pose landmarks.

    import posecheck
    report = posecheck.score("sample_videos/plank_sag_a.mp4", exercise="plank")
    print(report.summary.good_hold_s, [c.text for c in report.cues])

Stages, data flowing one way: sources -> landmarks -> geometry -> specs -> evaluation -> cues -> report.
"""

__version__ = "0.1.0"

from .api import record, score, score_stream
from .errors import (ModelError, PosecheckError, RecordingFormatError, ReportError, SourceError,
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
    "RecordingFormatError", "TimestampError", "ModelError", "ReportError",
    "Evaluator", "FrameResult", "Landmark", "Pose", "RecordingHeader", "RecordingWriter", "read_recording",
    "Report", "load_report", "summary_text", "write_json", "Session",
    "CameraSource", "ImageSource", "LegacyPoseEstimator", "ReplaySource", "TasksPoseEstimator", "VideoSource",
    "open_poses", "Spec", "list_specs", "load_spec", "load_spec_file",
]
