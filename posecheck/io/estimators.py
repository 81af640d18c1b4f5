"""Where frames and poses come from: video files, still images, cameras, pose models, recordings.

`open_poses(input)` is the one entry point the rest of posecheck uses: it yields `(frame, pose)` pairs, where
`frame` is the decoded image (None when replaying a recording) and `pose` the landmarks of that frame.
Time comes from the source: container timestamps, else frame index / fps; only a camera uses the clock.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from posecheck.core.landmarks import Pose
from posecheck.errors import ModelError
from posecheck.io.frames import Frame, _cv2

__all__ = ["TASKS_MODEL_HELP", "PoseEstimator", "LegacyPoseEstimator", "TasksPoseEstimator", "create_estimator"]

TASKS_MODEL_HELP = (
    "download pose_landmarker_full.task (or _lite/_heavy) from "
    "https://ai.google.dev/edge/mediapipe/solutions/vision/pose_landmarker#models and pass --model PATH.task"
)


class PoseEstimator(Protocol):
    """Turns a frame into a Pose; frames must come in increasing time."""

    name: str

    def estimate(self, frame: Frame) -> Pose: ...

    def reset(self) -> None:
        """Forget the previous frames (tracking, smoothing): the next frame starts a new video."""

    def close(self) -> None: ...


_LEGACY_MODELS = {0: "pose_landmark_lite.tflite", 1: "pose_landmark_full.tflite", 2: "pose_landmark_heavy.tflite"}


class LegacyPoseEstimator:
    """MediaPipe's legacy `solutions.pose` (BlazePose). Complexity 1 is bundled in mediapipe 0.10.21."""

    def __init__(self, model_complexity: int = 1, static_image_mode: bool = False,
                 min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5,
                 smooth_landmarks: bool = True, clock_from_frames: bool = False):
        if model_complexity not in _LEGACY_MODELS:
            raise ModelError(f"model complexity must be 0, 1 or 2, not {model_complexity}")
        try:
            import mediapipe as mp
            solutions = mp.solutions
        except (ImportError, AttributeError) as e:
            raise ModelError(
                "the legacy MediaPipe pose API is not available (install mediapipe==0.10.21, or use a "
                f"PoseLandmarker model with --model PATH.task): {e}") from None
        model_file = Path(mp.__file__).parent / "modules" / "pose_landmark" / _LEGACY_MODELS[model_complexity]
        try:
            # Complexity 0 and 2 print "Downloading model to ..." on first use: left as it is, since swapping
            # sys.stdout would be a process-wide change (a program's own output could vanish meanwhile).
            self._pose = solutions.pose.Pose(
                static_image_mode=static_image_mode, model_complexity=model_complexity,
                smooth_landmarks=smooth_landmarks, min_detection_confidence=min_detection_confidence,
                min_tracking_confidence=min_tracking_confidence)
        except Exception as e:  # MediaPipe raises bare errors; a missing model is a download that failed
            self.close()
            if not model_file.exists():
                raise ModelError(
                    f"model complexity {model_complexity} needs {model_file.name}, which MediaPipe downloads on "
                    "first use and could not (offline?); use --model-complexity 1 (bundled), or copy the file "
                    f"to {model_file.parent}") from None
            raise ModelError(f"MediaPipe pose failed to start: {e}") from None
        self.name = f"mediapipe-legacy-pose-c{model_complexity}"
        # The legacy graph is given no timestamps: it counts 1/30 s per call, and its landmark smoothing runs on
        # that clock. A caller that skips frames sets `clock_from_frames` so the graph sees the frames' real
        # times instead (else its smoothing lags the body by the frames skipped: a bridge's rep top was found
        # 0.13 s late).
        self._clock_from_frames = clock_from_frames
        self._last_us = -1

    def estimate(self, frame: Frame) -> Pose:
        cv2 = _cv2()
        rgb = cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        if self._clock_from_frames:
            t_us = max(int(round(frame.t_s * 1e6)), self._last_us + 1)
            self._last_us = t_us
            self._pose._simulated_timestamp = t_us - 33333  # process() adds its 33333 us step before sending
        try:
            result = self._pose.process(rgb)
        except Exception as e:
            raise ModelError(f"MediaPipe pose failed on frame {frame.index}: {e}") from None
        if result.pose_landmarks is None:
            return Pose.absent(frame.t_s)
        world = result.pose_world_landmarks.landmark if result.pose_world_landmarks else None
        return Pose.from_landmark_list(frame.t_s, result.pose_landmarks.landmark, world)

    def reset(self) -> None:
        self._pose.reset()  # restarts the graph: as fresh as a new model, without loading it again
        self._pose._simulated_timestamp = 0
        self._last_us = -1

    def close(self) -> None:
        pose = getattr(self, "_pose", None)
        if pose is not None:
            pose.close()
            self._pose = None


class TasksPoseEstimator:
    """MediaPipe Tasks `PoseLandmarker` (mediapipe >= 0.10.x) with a user-given `.task` model file."""

    def __init__(self, model_path: str | os.PathLike, video_mode: bool = True,
                 min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5):
        p = Path(model_path)
        if not p.is_file():
            raise ModelError(f"{p}: no such model file; {TASKS_MODEL_HELP}")
        if p.suffix != ".task":
            raise ModelError(f"{p} is not a .task model bundle; {TASKS_MODEL_HELP}")
        try:
            import mediapipe as mp
            from mediapipe.tasks.python import BaseOptions, vision
        except ImportError as e:
            raise ModelError(f"the MediaPipe Tasks API is not available: {e}") from None
        self._mp = mp
        mode = vision.RunningMode.VIDEO if video_mode else vision.RunningMode.IMAGE
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(p)), running_mode=mode, num_poses=1,
            min_pose_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence, output_segmentation_masks=False)
        self._create = lambda: vision.PoseLandmarker.create_from_options(options)
        try:
            self._landmarker = self._create()
        except Exception as e:
            self.close()
            raise ModelError(f"{p}: MediaPipe could not load this model ({e}); {TASKS_MODEL_HELP}") from None
        self._video = video_mode
        self._last_ms = -1
        self.name = f"mediapipe-tasks:{p.name}"

    def estimate(self, frame: Frame) -> Pose:
        cv2 = _cv2()
        rgb = cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB)
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb)
        try:
            if self._video:
                # The Tasks API needs strictly increasing integer milliseconds.
                t_ms = max(int(round(frame.t_s * 1000)), self._last_ms + 1)
                self._last_ms = t_ms
                result = self._landmarker.detect_for_video(image, t_ms)
            else:
                result = self._landmarker.detect(image)
        except Exception as e:
            raise ModelError(f"PoseLandmarker failed on frame {frame.index}: {e}") from None
        if not result.pose_landmarks:
            return Pose.absent(frame.t_s)
        world = result.pose_world_landmarks[0] if result.pose_world_landmarks else None
        return Pose.from_landmark_list(frame.t_s, result.pose_landmarks[0], world)

    def reset(self) -> None:
        # The Tasks API has no reset and needs increasing timestamps: a new landmarker (the file is cached).
        self.close()
        self._landmarker = self._create()
        self._last_ms = -1

    def close(self) -> None:
        lm = getattr(self, "_landmarker", None)
        if lm is not None:
            lm.close()
            self._landmarker = None


def create_estimator(model: str | os.PathLike | None = None, model_complexity: int = 1,
                     still_image: bool = False, skips_frames: bool = False) -> PoseEstimator:
    """`model` a `.task` file selects the Tasks API; otherwise the legacy pose of that complexity.

    `skips_frames`: the caller shows the model only some frames; the legacy graph then runs on the frames' real
    times (see LegacyPoseEstimator); the Tasks API always does."""
    if model is not None:
        return TasksPoseEstimator(model, video_mode=not still_image)
    return LegacyPoseEstimator(model_complexity=model_complexity, static_image_mode=still_image,
                               clock_from_frames=skips_frames)
