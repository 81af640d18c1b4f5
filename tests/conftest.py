import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

SAMPLES = ROOT / "sample_videos"
# Real third-party footage beside the checkout (never committed): ../shared/data/real.
REAL_DATA = next((p for p in (ROOT.parent / "shared" / "data" / "real", Path("/work/shared/data/real"))
                  if p.is_dir()), ROOT.parent / "shared" / "data" / "real")


@pytest.fixture
def sample_videos() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory) -> Path:
    """Landmark recordings of the sample clips, made once per test session by the real model.

    Under pytest-xdist the workers share one folder (the parent of their own temporary folders), so a clip is
    recorded once, not once per worker; recordings are written atomically, so two workers recording the same clip
    at once both leave a whole file."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return tmp_path_factory.mktemp("model_cache")
    shared = tmp_path_factory.getbasetemp().parent / "model_cache"
    shared.mkdir(exist_ok=True)
    return shared


@pytest.fixture(scope="session")
def recordings(model_cache):
    from posecheck.batch.accuracy import _cached_recording

    def get(name: str) -> Path:
        video = SAMPLES / f"{name}.mp4"
        if not video.exists():
            pytest.fail(f"sample clip {video} is missing: the model tests need the bundled sample videos")
        return _cached_recording(video, model_cache, recompute=False)
    return get


@pytest.fixture(autouse=True)
def _history_home(tmp_path_factory, monkeypatch):
    """Sessions that tests run are saved to a throwaway history, never the user's ($POSECHECK_HOME)."""
    monkeypatch.setenv("POSECHECK_HOME", str(tmp_path_factory.mktemp("posecheck_home")))
