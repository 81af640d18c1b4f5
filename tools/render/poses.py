"""The pose library: exercise poses as sagittal segment angles.

Angles are world directions in degrees (see body.py): the direction of each
segment's long axis, counter-clockwise from the person's standing facing
direction (+x) when seen from the person's right; 90 = up, -90 = down.
Prone poses have the head toward +x (face down), supine poses the head toward
-x (face up): both are the standing person turned about the left-right axis.

Segments: pelvis, lumbar, chest, neck, head (centre); upper_arm, forearm, hand,
thigh, shank, foot, toes (both sides, or "<name>_l" / "<name>_r").
Extras: arm_abduction (deg, arms out to the side), pronation (deg, 0 = palms
facing the thighs when standing, 90 = palms facing back / onto the floor when
the hand points along it), lift_m (see contact.lift).
Placement: `contacts` = (group A, group B) that rest on the floor (B may be
None), `reach` = segments turned so a group touches the floor.

The numbers are starting points: the contact solve turns the whole body a few
degrees so both contact groups touch, and fault sizes are measured on the
projected ground-truth keypoints, not taken from these angles.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Pose:
    angles: dict[str, float]
    extras: dict[str, float] = field(default_factory=dict)
    contacts: tuple[str, str | None] = ("feet", None)
    reach: tuple[tuple[str, str], ...] = ()
    # hands placed on the floor by two-bone IK: the wrist goes to (hip + arm_ik * trunk length) along the
    # floor toward the head, elbows bending toward the feet (cobra); None = arms as given
    arm_ik: float | None = None


ARMS_DOWN_PALMS_FLAT = dict(upper_arm=-90.0, forearm=-90.0, hand=0.0)
PRONE_EXTRAS = dict(pronation=90.0, arm_abduction=0.0)

POSES: dict[str, Pose] = {}

# ----------------------------------------------------------------- standing
POSES["standing"] = Pose(
    angles=dict(pelvis=90, lumbar=90, chest=90, neck=90, head=90,
                upper_arm=-90, forearm=-88, hand=-88, thigh=-90, shank=-90, foot=0, toes=0),
    extras=dict(arm_abduction=7.0, pronation=10.0),
    contacts=("feet", None),
)

# ------------------------------------------------ plank (straight arms)
# hands and knees, toes tucked under: the start of a plank
POSES["kneeling_hands"] = Pose(
    angles=dict(pelvis=11, lumbar=11, chest=11, neck=15, head=6,
                **ARMS_DOWN_PALMS_FLAT, thigh=-90, shank=166, foot=-100, toes=0),
    extras=PRONE_EXTRAS,
    contacts=("hands", "knees_feet"),
    reach=(("shank", "feet"),),
)
POSES["plank"] = Pose(
    angles=dict(pelvis=18, lumbar=18, chest=18, neck=22, head=14,
                **ARMS_DOWN_PALMS_FLAT, thigh=-162, shank=-162, foot=-70, toes=0),
    extras=PRONE_EXTRAS,
    contacts=("hands", "knees_feet"),
    reach=(("shank", "feet"),),
)

# ------------------------------------------------------------ forearm plank
POSES["kneeling_forearms"] = Pose(
    angles=dict(pelvis=-8, lumbar=-8, chest=-8, neck=-2, head=-8,
                upper_arm=-90, forearm=0, hand=0, thigh=-75, shank=170, foot=-100, toes=0),
    extras=PRONE_EXTRAS,
    contacts=("forearms", "knees_feet"),
    reach=(("shank", "feet"),),
)
POSES["forearm_plank"] = Pose(
    angles=dict(pelvis=8, lumbar=8, chest=8, neck=12, head=4,
                upper_arm=-90, forearm=0, hand=0, thigh=-172, shank=-172, foot=-80, toes=0),
    extras=PRONE_EXTRAS,
    contacts=("forearms", "knees_feet"),
    reach=(("shank", "feet"),),
)

# -------------------------------------------------------------------- cobra
_PRONE_LEGS = dict(thigh=180, shank=180, foot=208, toes=180)
POSES["prone"] = Pose(
    angles=dict(pelvis=0, lumbar=0, chest=0, neck=2, head=-4,
                upper_arm=160, forearm=-75, hand=0, **_PRONE_LEGS),
    extras=PRONE_EXTRAS,
    contacts=("front", "knees_feet"),
    reach=(("upper_arm_l", "hands_l"), ("upper_arm_r", "hands_r")),
    arm_ik=0.72,
)
POSES["cobra"] = Pose(
    angles=dict(pelvis=2, lumbar=24, chest=42, neck=52, head=58,
                upper_arm=-118, forearm=-82, hand=0, **_PRONE_LEGS),
    extras=PRONE_EXTRAS,
    contacts=("front", "knees_feet"),
    reach=(("upper_arm_l", "hands_l"), ("upper_arm_r", "hands_r")),
    arm_ik=0.72,
)

# ------------------------------------------------------------------- bridge
_SUPINE_ARMS = dict(upper_arm=-6, forearm=-2, hand=0)
POSES["bridge_bottom"] = Pose(
    angles=dict(pelvis=180, lumbar=180, chest=180, neck=180, head=180,
                **_SUPINE_ARMS, thigh=52, shank=-62, foot=0, toes=0),
    extras=dict(pronation=90.0, arm_abduction=10.0),
    contacts=("back", "feet"),
    reach=(("upper_arm_l", "hands_l"), ("upper_arm_r", "hands_r"), ("neck", "head")),
)
POSES["bridge_top"] = Pose(
    angles=dict(pelvis=207, lumbar=206, chest=203, neck=188, head=180,
                **_SUPINE_ARMS, thigh=27, shank=-66, foot=0, toes=0),
    extras=dict(pronation=90.0, arm_abduction=10.0),
    contacts=("back", "feet"),
    reach=(("upper_arm_l", "hands_l"), ("upper_arm_r", "hands_r"), ("neck", "head")),
)

# ------------------------------------------------------------------ cat/cow
_TABLE_LEGS = dict(thigh=-90, shank=172, foot=186, toes=180)
POSES["tabletop"] = Pose(
    angles=dict(pelvis=11, lumbar=11, chest=11, neck=14, head=2, **ARMS_DOWN_PALMS_FLAT, **_TABLE_LEGS),
    extras=PRONE_EXTRAS,
    contacts=("hands", "knees_feet"),
    reach=(("shank", "feet"),),
)
POSES["cat"] = Pose(
    angles=dict(pelvis=27, lumbar=25, chest=1, neck=-27, head=-51, **ARMS_DOWN_PALMS_FLAT, **_TABLE_LEGS),
    extras=PRONE_EXTRAS,
    contacts=("hands", "knees_feet"),
    reach=(("shank", "feet"),),
)
POSES["cow"] = Pose(
    angles=dict(pelvis=-3, lumbar=1, chest=19, neck=41, head=49, **ARMS_DOWN_PALMS_FLAT, **_TABLE_LEGS),
    extras=PRONE_EXTRAS,
    contacts=("hands", "knees_feet"),
    reach=(("shank", "feet"),),
)

# --------------------------------------------------- sitting on the floor
POSES["long_sit"] = Pose(
    angles=dict(pelvis=102, lumbar=100, chest=96, neck=94, head=86,
                upper_arm=-112, forearm=-110, hand=180, thigh=0, shank=0, foot=72, toes=72),
    extras=dict(pronation=-90.0, arm_abduction=12.0),
    contacts=("hips", "feet"),
    reach=(("upper_arm_l", "hands_l"), ("upper_arm_r", "hands_r")),
)

# ------------------------------------------------------ sphinx (forearms)
# Prone on the forearms: the pelvis and legs stay on the floor ("front" rests), the upper arms are turned
# about the shoulders until the forearms touch the floor (reach), so the elbows land where the trunk puts them.
_FOREARMS_REACH = (("upper_arm_l", "forearms_l"), ("upper_arm_r", "forearms_r"))
# lying on the forearms, elbows in front of the shoulders, chest low: the start and end of a sphinx
POSES["prone_forearms"] = Pose(
    angles=dict(pelvis=0, lumbar=2, chest=6, neck=12, head=4,
                upper_arm=-35, forearm=0, hand=0, **_PRONE_LEGS),
    extras=PRONE_EXTRAS,
    contacts=("front", "knees_feet"),
    reach=_FOREARMS_REACH,
)
# lying on the floor propped lightly on the forearms, elbows well in front of the shoulders, chest low:
# a neighbour pose no exercise should take for itself (the forearm plank's arms with the body not lifted)
POSES["prone_flat"] = Pose(
    angles=dict(pelvis=0, lumbar=1, chest=3, neck=10, head=4,
                upper_arm=-22, forearm=0, hand=0, **_PRONE_LEGS),
    extras=PRONE_EXTRAS,
    contacts=("front", "knees_feet"),
    reach=_FOREARMS_REACH,
)
# the sphinx: chest up, elbows under the shoulders, forearms flat and parallel, pelvis down
POSES["sphinx"] = Pose(
    angles=dict(pelvis=2, lumbar=18, chest=30, neck=40, head=44,
                upper_arm=-90, forearm=0, hand=0, **_PRONE_LEGS),
    extras=PRONE_EXTRAS,
    contacts=("front", "knees_feet"),
    reach=_FOREARMS_REACH,
)

# ------------------------------------------------------------ child's pose
# kneeling, sitting back on the heels (shins and the tops of the feet on the floor), chest on the thighs,
# arms reaching forward along the floor, forehead down
POSES["child_pose"] = Pose(
    angles=dict(pelvis=-20, lumbar=-16, chest=-6, neck=27, head=-4,
                upper_arm=-8, forearm=-4, hand=0, thigh=-26, shank=180, foot=196, toes=180),
    extras=PRONE_EXTRAS,
    # the head rests by its angles, not by a reach solve: tabletop -> child's pose would switch one on half-way
    # and the head would jump; the same contacts and leg reach as the tabletop it starts from
    contacts=("hands", "knees_feet"),
    reach=(("shank", "feet"),),
)

# ------------------------------------------------------------ downward dog
# hands and feet on the floor, hips high: an inverted V, arms in line with the back, legs long
POSES["downward_dog"] = Pose(
    angles=dict(pelvis=-46, lumbar=-46, chest=-44, neck=-52, head=-66,
                upper_arm=-46, forearm=-46, hand=0, thigh=-122, shank=-118, foot=-12, toes=0),
    extras=PRONE_EXTRAS,
    contacts=("hands", "knees_feet"),
    reach=(("shank", "feet"),),
)

# Which pose a fault blends toward (see timeline.apply_faults)
BOTTOM_OF = {"bridge_top": "bridge_bottom"}


def get(name: str) -> Pose:
    try:
        return POSES[name]
    except KeyError:
        raise ValueError(f"unknown pose {name!r}; known: {sorted(POSES)}") from None
