"""Which rendered clips the tests run the model on.

`sample_videos/` also holds the wider library (issue 12: other bodies, cameras 0.4-1.2 m high and 2-4 m away,
phases 0.3-3 s, bridge tops at several depths, pikes of 15-35 deg and sags of 15-20 deg). `posecheck eval
sample_videos` judges all of it (benchmarks/results/accuracy.md); the model tests keep to the clips made before it,
so that CI does not grow with the library. A wider clip that pins something new gets a test of its own, by name."""

from pathlib import Path

WIDER = frozenset({
    "plank_clean_h", "plank_pike20_i", "plank_pike35_j", "plank_sag15_k", "plank_sag20_l",
    "forearm_plank_clean_h", "forearm_plank_pike15_i", "forearm_plank_pike30_j", "forearm_plank_sag20_k",
    "bridge_slow_g", "bridge_hold_h", "bridge_fast_i", "bridge_low_j",
    "cat_cow_slow_e", "cat_cow_fast_f",
    "forearm_plank_pike20_l", "bridge_low_k", "cat_cow_mid_g",
    # (e) the held-out check (issue 12): bodies and cameras no default was checked against
    "bridge_heldout_m", "bridge_heldout_n", "plank_heldout_o", "forearm_plank_heldout_p", "forearm_plank_heldout_q",
    "cat_cow_heldout_r", "bridge_heldout_t", "plank_heldout_u", "plank_heldout_w", "cat_cow_heldout_x",
    "bridge_heldout_y",
    "cobra_heldout_aa", "plank_heldout_ac",
    "bridge_heldout_z",  # failed on the unsigned hip angle; passes on the signed hip_sag (60d0be8, 9080868)
})


def model_clips(folder: Path, pattern: str = "*.mp4") -> list[Path]:
    """The rendered clips (with their truth: the renderer writes it last) that model tests use, sorted by name."""
    return sorted(c for c in folder.glob(pattern)
                  if c.with_suffix(".truth.json").exists() and c.stem not in WIDER)
