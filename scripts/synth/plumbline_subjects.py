"""plumbline's own rendered subjects, held out from every tuning step (H1-H6).

synthgen's six development subjects (D1-D6) are used to develop and tune the estimate; these six
are only ever used to report accuracy. They differ from the development subjects in body, look and
above all in set-up: laptop cameras nearer and further away, a screen tilted back, a person well off
the camera's axis, a webcam on a monitor at and above eye level. `register(SUBJECTS)` adds them to
synthgen's table (scripts/render_synth.sh calls it from a copy of the package).
"""

HELD_OUT = {
    "H1": dict(
        id="H1", description="adult female (~35 y), medium skin, dark brown hair in a bun, teal top; laptop close",
        phenotype=dict(gender=1.0, age=0.72, muscle=0.45, weight=0.5, height=0.4, proportions=0.5,
                       cupsize=0.5, firmness=0.5, african=0.2, asian=0.2, caucasian=0.6),
        style=dict(skin=[190, 140, 110], hair=[50, 32, 24], shirt=[30, 120, 120], pants=[40, 40, 50],
                   sleeve=1.85, neck_dip=0.02, lashes=['2'], lip_mul=[0.9, 0.68, 0.68], iris=[45, 30, 20],
                   hair_thickness=0.010, hair_top_volume=0.45, brow_strength=0.8,
                   bun=dict(offset=[0.0, 0.10, 0.05], radii=[0.045, 0.042, 0.042]),
                   hairline=[0.06, 0.056, 0.038, 0.002, -0.012, -0.02, -0.045, -0.068]),
        env=dict(wall=[225, 220, 205], floor=[120, 100, 80], side_wall=[225, 220, 205], desk_col=[180, 150, 110],
                 chair_col=[45, 45, 50], cam="laptop", reach=0.26, seat_x=0.01, tilt_bias=1.0,
                 decor=[dict(kind="plant", x=1.2, y=1.3), dict(kind="frame", x=-0.6, z=1.5, w=0.5, h=0.4, col=[150, 70, 60])]),
        seed=201),
    "H2": dict(
        id="H2", description="older male (~60 y), light skin, heavier, grey short hair, navy polo; laptop further away, screen tilted back",
        phenotype=dict(gender=0.0, age=0.86, muscle=0.45, weight=0.75, height=0.55, proportions=0.5,
                       cupsize=0.5, firmness=0.45, african=0.02, asian=0.03, caucasian=0.95),
        style=dict(skin=[226, 186, 160], hair=[160, 158, 155], shirt=[30, 40, 80], pants=[70, 70, 70],
                   sleeve=0.5, neck_dip=0.0, lashes=[], lip_mul=[0.88, 0.68, 0.68], iris=[90, 110, 130],
                   hair_thickness=0.006, hair_top_volume=0.3, brow_strength=0.6, stubble=0.2,
                   hairline=[0.072, 0.068, 0.048, 0.008, -0.006, -0.014, -0.04, -0.06]),
        env=dict(wall=[210, 210, 200], floor=[90, 80, 70], side_wall=[210, 210, 200], desk_col=[120, 90, 60],
                 chair_col=[30, 30, 34], cam="laptop", reach=0.42, seat_x=-0.03, tilt_bias=4.0,
                 decor=[dict(kind="shelf", x=1.0, z=0.0), dict(kind="window", x=-1.4, z=1.5, w=0.8, h=1.0)]),
        seed=202),
    "H3": dict(
        id="H3", description="young male (~26 y), dark skin, slim, short black hair, orange T-shirt; laptop well off to one side",
        phenotype=dict(gender=0.0, age=0.68, muscle=0.5, weight=0.4, height=0.6, proportions=0.5,
                       cupsize=0.5, firmness=0.5, african=0.85, asian=0.05, caucasian=0.1),
        style=dict(skin=[110, 72, 50], hair=[18, 14, 12], shirt=[220, 120, 40], pants=[40, 50, 70],
                   sleeve=0.5, neck_dip=0.0, lashes=[], lip_mul=[0.82, 0.62, 0.62], iris=[35, 24, 16], sclera=[0.62, 0.57, 0.53],
                   hair_thickness=0.005, hair_top_volume=0.2, brow_strength=0.9,
                   hairline=[0.066, 0.062, 0.042, 0.004, -0.01, -0.018, -0.042, -0.062]),
        env=dict(wall=[235, 235, 235], floor=[150, 120, 90], side_wall=[235, 235, 235], desk_col=[210, 205, 200],
                 chair_col=[70, 30, 30], cam="laptop", reach=0.32, seat_x=-0.11, tilt_bias=0.0,
                 decor=[dict(kind="door", x=1.0), dict(kind="frame", x=-0.4, z=1.6, w=0.6, h=0.45, col=[40, 90, 150])]),
        seed=203),
    "H4": dict(
        id="H4", description="adult female (~45 y), light skin, blonde hair, purple long-sleeve; webcam on a monitor at eye level, 0.70 m",
        phenotype=dict(gender=1.0, age=0.8, muscle=0.4, weight=0.5, height=0.55, proportions=0.5,
                       cupsize=0.55, firmness=0.5, african=0.02, asian=0.03, caucasian=0.95),
        style=dict(skin=[236, 200, 178], hair=[200, 170, 110], shirt=[110, 60, 130], pants=[40, 40, 45],
                   sleeve=1.85, neck_dip=0.03, lashes=['1'], lip_mul=[0.92, 0.7, 0.7], iris=[70, 110, 150],
                   hair_thickness=0.011, hair_top_volume=0.5, brow_strength=0.6,
                   hairline=[0.06, 0.056, 0.038, 0.002, -0.012, -0.02, -0.045, -0.068]),
        env=dict(wall=[205, 215, 225], floor=[140, 140, 135], side_wall=[205, 215, 225], desk_col=[230, 230, 228],
                 chair_col=[60, 60, 64], cam="monitor", cam_dist=0.70, reach=0.31, seat_x=0.02,
                 decor=[dict(kind="shelf", x=-1.0, z=0.0), dict(kind="plant", x=1.3, y=1.4)]),
        seed=204),
    "H5": dict(
        id="H5", description="adult male (~38 y), medium-light skin, stocky, brown hair, green shirt; webcam on a monitor above eye level, 0.75 m",
        phenotype=dict(gender=0.0, age=0.77, muscle=0.65, weight=0.65, height=0.45, proportions=0.5,
                       cupsize=0.5, firmness=0.5, african=0.1, asian=0.3, caucasian=0.6),
        style=dict(skin=[200, 158, 126], hair=[70, 48, 30], shirt=[50, 110, 60], pants=[50, 45, 40],
                   sleeve=1.85, neck_dip=0.01, lashes=[], lip_mul=[0.86, 0.64, 0.62], iris=[40, 28, 18],
                   hair_thickness=0.008, hair_top_volume=0.4, brow_strength=0.85, stubble=0.25,
                   hairline=[0.064, 0.06, 0.04, 0.004, -0.01, -0.018, -0.042, -0.062]),
        env=dict(wall=[220, 210, 200], floor=[110, 100, 95], side_wall=[220, 210, 200], desk_col=[100, 80, 60],
                 chair_col=[35, 35, 40], cam="monitor", cam_dist=0.75, cam_dz=0.08, cam_pitch_down=8.0, reach=0.33,
                 seat_x=-0.02, decor=[dict(kind="window", x=1.5, z=1.5, w=0.9, h=1.0)]),
        seed=205),
    "H6": dict(
        id="H6", description="young female (~25 y), light-medium skin, black hair in a bun, white blouse; laptop, screen tilted forward, slightly off-axis",
        phenotype=dict(gender=1.0, age=0.66, muscle=0.4, weight=0.45, height=0.35, proportions=0.5,
                       cupsize=0.45, firmness=0.6, african=0.02, asian=0.85, caucasian=0.13),
        style=dict(skin=[226, 190, 160], hair=[16, 12, 10], shirt=[235, 235, 230], pants=[30, 30, 40],
                   sleeve=0.5, neck_dip=0.02, lashes=['2'], lip_mul=[0.92, 0.7, 0.7], iris=[30, 22, 14],
                   hair_thickness=0.012, hair_top_volume=0.5, brow_strength=0.7,
                   bun=dict(offset=[0.0, 0.11, 0.03], radii=[0.045, 0.04, 0.042]),
                   hairline=[0.058, 0.055, 0.036, 0.0, -0.012, -0.02, -0.045, -0.07]),
        env=dict(wall=[230, 225, 235], floor=[160, 140, 110], side_wall=[230, 225, 235], desk_col=[170, 130, 90],
                 chair_col=[90, 60, 40], cam="laptop", reach=0.30, seat_x=0.05, tilt_bias=-3.0,
                 decor=[dict(kind="frame", x=0.6, z=1.55, w=0.5, h=0.5, col=[200, 160, 60]), dict(kind="shelf", x=-1.0, z=0.0)]),
        seed=206),
}


def register(subjects):
    """Add the held-out subjects to synthgen's SUBJECTS table (in place)."""
    for key, value in HELD_OUT.items():
        subjects.setdefault(key, value)
