"""The accuracy suite: `python benchmarks/accuracy.py [FOLDER]` (same as `posecheck eval FOLDER`).

Writes benchmarks/results/accuracy.md, kept in the repository to show the trend.
"""

import sys
from pathlib import Path

from posecheck.cli.main import run

ROOT = Path(__file__).resolve().parent.parent
folder = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "sample_videos")
sys.exit(run(["eval", folder, "--md", str(ROOT / "benchmarks" / "results" / "accuracy.md"),
              "--cache", str(ROOT / ".cache" / "eval")]))
