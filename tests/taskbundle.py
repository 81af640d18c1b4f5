"""Build a MediaPipe Tasks `.task` bundle from the BlazePose models inside the mediapipe 0.10.21 wheel.

The Tasks PoseLandmarker needs a `.task` file that cannot be downloaded here. The legacy wheel ships the same
two networks (pose detector, full landmark model); with the image-normalization metadata the Tasks graph needs
(detector input in [-1, 1], landmark model input in [0, 1], as the legacy graphs feed them), zipped uncompressed
under the names the bundle uses, they make a working `.task`. Tests use it to run the real Tasks code path.
"""

from __future__ import annotations

import zipfile
from pathlib import Path


def build_pose_task(out: Path) -> Path | None:
    """Write the bundle to `out`; None when this mediapipe has no legacy models or no metadata writer."""
    try:
        import mediapipe as mp
        from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer
    except ImportError:
        return None
    modules = Path(mp.__file__).parent / "modules"
    det = modules / "pose_detection" / "pose_detection.tflite"
    lm = modules / "pose_landmark" / "pose_landmark_full.tflite"
    if not det.exists() or not lm.exists():
        return None

    def with_metadata(path: Path, mean: float, std: float, n_outputs: int) -> bytes:
        w = metadata_writer.MetadataWriter.create(bytearray(path.read_bytes()))
        w.add_general_info(path.stem, "BlazePose model from the mediapipe wheel")
        w.add_image_input(norm_mean=[mean], norm_std=[std])
        for i in range(n_outputs):
            w.add_feature_output(name=f"output_{i}")
        return bytes(w.populate()[0])

    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:  # the Tasks loader wants it uncompressed
        z.writestr("pose_detector.tflite", with_metadata(det, 127.5, 127.5, 2))
        z.writestr("pose_landmarks_detector.tflite", with_metadata(lm, 0.0, 255.0, 5))
    return out
