"""The safety notice: the material's contraindications, shown before the first routine on a machine."""

from __future__ import annotations

__all__ = ["SAFETY_NOTICE", "NOTICE_NAME"]

NOTICE_NAME = "safety/1"  # a new text gets a new name, and is shown again

SAFETY_NOTICE = """\
Before you start: safety
  posecheck watches your form; it is not a doctor and cannot see pain.
  Do not do these exercises, and ask a doctor or physiotherapist first, if you have:
    - acute back pain, a recent back injury or back surgery, or pain that spreads down a leg;
    - numbness, tingling or weakness in the legs, or trouble controlling bladder or bowel
      (see a doctor at once);
    - osteoporosis, a known disc problem, spinal stenosis or spondylolisthesis;
    - pregnancy, high blood pressure, or a heart, shoulder, wrist or knee problem.
  Move slowly, breathe, and never push into pain.
  STOP ON PAIN: press S in the window (or Ctrl-C) and the session ends at once.
  Sharp, shooting or worsening pain: stop and get it checked before you train again."""
