//! A small 3D upper-body model with anatomical proportions, posed (neck flexion, head pitch /
//! yaw / roll, shoulder protraction, trunk lean, distance) and projected through a pinhole camera
//! placed like a laptop webcam or a side camera, producing BlazePose-like poses with realistic
//! noise: 2D pixels, image z (depth relative to the hip centre in x's pixel scale) and world
//! landmarks (metres, hip-centred, camera axes), for ground-truth tests of the geometry.
//!
//! World frame of the model: metres, origin at the hip centre of the neutral seated body,
//! X = the person's left, Y = up, Z = the person's forward.

#![allow(dead_code)]

use plumbline::pose::{LANDMARK_COUNT, Landmark, Pose, Roi, landmark};

pub type V3 = [f64; 3];

fn add(a: V3, b: V3) -> V3 {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}
fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
fn dot(a: V3, b: V3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
fn cross(a: V3, b: V3) -> V3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}
fn unit(a: V3) -> V3 {
    let n = dot(a, a).sqrt();
    [a[0] / n, a[1] / n, a[2] / n]
}

/// Rotation in the Y–Z plane that tips "up" towards "forward" by `deg` (flexion, looking down).
fn flex(p: V3, deg: f64) -> V3 {
    let (s, c) = deg.to_radians().sin_cos();
    [p[0], p[1] * c - p[2] * s, p[1] * s + p[2] * c]
}
/// Rotation about the vertical axis; positive turns the face (+Z) towards the person's left (+X).
fn turn(p: V3, deg: f64) -> V3 {
    let (s, c) = deg.to_radians().sin_cos();
    [p[0] * c + p[2] * s, p[1], -p[0] * s + p[2] * c]
}
/// Rotation about the forward axis; positive lowers the person's left side (+X).
fn tilt(p: V3, deg: f64) -> V3 {
    let (s, c) = deg.to_radians().sin_cos();
    [p[0] * c + p[1] * s, -p[0] * s + p[1] * c, p[2]]
}

/// A seeded PRNG (SplitMix64) with Gaussian samples (Box–Muller), so tests are deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    pub fn gauss(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// Body proportions (metres). Defaults from adult anthropometry; three variants below.
#[derive(Clone, Debug)]
pub struct Body {
    pub name: &'static str,
    /// Half the distance between the two BlazePose shoulder points.
    pub half_shoulder: f64,
    /// Hip centre → shoulder line height, seated.
    pub trunk: f64,
    pub hip_half: f64,
    /// C7 relative to the shoulder midpoint: up and back.
    pub c7_up: f64,
    pub c7_back: f64,
    /// Tragus midpoint relative to C7 in the upright posture: up and forward.
    pub tragus_up: f64,
    pub tragus_fwd: f64,
    /// Half the distance between the two tragi.
    pub ear_half: f64,
    /// BlazePose's ear point sits this far above the tragus.
    pub ear_marker_up: f64,
    /// Eyes relative to the tragus midpoint.
    pub eye_half: f64,
    pub eye_up: f64,
    pub eye_fwd: f64,
    /// Nose tip relative to the tragus midpoint.
    pub nose_fwd: f64,
    pub nose_down: f64,
    /// Mouth corners relative to the tragus midpoint.
    pub mouth_half: f64,
    pub mouth_down: f64,
    pub mouth_fwd: f64,
    /// Systematic gain of BlazePose's world depth and image z for this person (depth biases).
    pub world_depth_gain: f64,
    pub image_z_gain: f64,
    /// Systematic gain of the world landmarks' metric scale.
    pub world_scale: f64,
}

/// Three bodies: average adult, small with a short neck, tall with a long neck and wide
/// shoulders. Their depth and scale biases differ, as BlazePose's do between people.
pub fn bodies() -> Vec<Body> {
    let average = Body {
        name: "average",
        half_shoulder: 0.19,
        trunk: 0.52,
        hip_half: 0.09,
        c7_up: 0.03,
        c7_back: 0.06,
        tragus_up: 0.10,
        tragus_fwd: 0.075,
        ear_half: 0.075,
        ear_marker_up: 0.01,
        eye_half: 0.032,
        eye_up: 0.025,
        eye_fwd: 0.085,
        nose_fwd: 0.11,
        nose_down: 0.015,
        mouth_half: 0.025,
        mouth_down: 0.05,
        mouth_fwd: 0.09,
        world_depth_gain: 1.0,
        image_z_gain: 1.0,
        world_scale: 1.0,
    };
    let small = Body {
        name: "small",
        half_shoulder: 0.165,
        trunk: 0.46,
        hip_half: 0.085,
        c7_up: 0.025,
        c7_back: 0.055,
        tragus_up: 0.085,
        tragus_fwd: 0.07,
        ear_half: 0.07,
        ear_marker_up: 0.02,
        eye_half: 0.030,
        eye_up: 0.022,
        eye_fwd: 0.08,
        nose_fwd: 0.10,
        nose_down: 0.012,
        mouth_half: 0.023,
        mouth_down: 0.046,
        mouth_fwd: 0.085,
        world_depth_gain: 0.9,
        image_z_gain: 0.8,
        world_scale: 0.93,
    };
    let tall = Body {
        name: "tall",
        half_shoulder: 0.205,
        trunk: 0.57,
        hip_half: 0.095,
        c7_up: 0.035,
        c7_back: 0.065,
        tragus_up: 0.12,
        tragus_fwd: 0.08,
        ear_half: 0.078,
        ear_marker_up: 0.005,
        eye_half: 0.034,
        eye_up: 0.027,
        eye_fwd: 0.09,
        nose_fwd: 0.115,
        nose_down: 0.018,
        mouth_half: 0.026,
        mouth_down: 0.054,
        mouth_fwd: 0.095,
        world_depth_gain: 1.1,
        image_z_gain: 1.2,
        world_scale: 1.06,
    };
    vec![average, small, tall]
}

/// What the person does, relative to their upright posture. Angles in degrees.
#[derive(Clone, Copy, Debug, Default)]
pub struct Posture {
    /// Lower-cervical flexion about C7 carrying the head forward (forward head posture).
    pub neck_flexion: f64,
    /// Head pitch about the atlanto-occipital joint, looking down positive.
    pub head_pitch: f64,
    /// Head turn, towards the person's left positive.
    pub head_yaw: f64,
    pub head_roll: f64,
    /// Shoulder protraction: forward swing of each half shoulder line about the trunk midline.
    pub protraction: f64,
    /// Trunk lean about the hips, backwards positive (the head keeps its gaze level).
    pub lean_back: f64,
    /// Trunk side lean about the hips, towards the person's left positive.
    pub lean_side: f64,
    /// Whole-body translation (metres, world axes): e.g. `[0, 0, 0.1]` = 10 cm towards a front
    /// camera.
    pub shift: V3,
}

/// Fraction of the neck flexion that tips the head down with it (forward head posture mostly
/// translates the head; the upper neck extends to keep the gaze up).
pub const HEAD_FOLLOWS_NECK: f64 = 0.25;

/// The posed 3D points of all 33 landmarks (world frame) and the ground truth.
pub struct Posed {
    pub points: [V3; LANDMARK_COUNT],
    pub truth: Truth,
}

/// Ground truth of a posed body, measured exactly as the metrics define them.
#[derive(Clone, Copy, Debug)]
pub struct Truth {
    /// Sagittal angle of shoulder midpoint → BlazePose ear midpoint from vertical.
    pub forward_head_deg: f64,
    /// Protraction angle (0 = the upright shoulder line).
    pub rounded_shoulder_deg: f64,
    /// Head pitch in the world, looking down positive.
    pub head_pitch_deg: f64,
}

pub fn pose_body(b: &Body, p: &Posture) -> Posed {
    use landmark::*;
    let mut pts = [[0.0; 3]; LANDMARK_COUNT];
    let shoulder_mid = [0.0, b.trunk, 0.0];
    // Shoulders and arms, protracted about the trunk midline (a vertical axis through the
    // shoulder midpoint).
    let arm = |side: f64| -> [V3; 6] {
        let s = [side * b.half_shoulder, b.trunk, 0.0];
        let elbow = add(s, [side * 0.03, -0.27, 0.06]);
        let wrist = add(elbow, [-side * 0.05, 0.03, 0.27]);
        let hand = |dx: f64, dz: f64| add(wrist, [side * dx, -0.01, dz]);
        let raw = [
            s,
            elbow,
            wrist,
            hand(0.02, 0.07),
            hand(-0.01, 0.08),
            hand(-0.03, 0.04),
        ];
        raw.map(|q| {
            add(
                shoulder_mid,
                turn(sub(q, shoulder_mid), -side * p.protraction),
            )
        })
    };
    let left = arm(1.0);
    let right = arm(-1.0);
    let arm_idx = |s: usize| [s, s + 2, s + 4, s + 6, s + 8, s + 10];
    for (k, i) in arm_idx(LEFT_SHOULDER).into_iter().enumerate() {
        pts[i] = left[k];
    }
    for (k, i) in arm_idx(RIGHT_SHOULDER).into_iter().enumerate() {
        pts[i] = right[k];
    }
    // Head: tragus midpoint carried by neck flexion about C7.
    let c7 = [0.0, b.trunk + b.c7_up, -b.c7_back];
    let tragus = add(c7, flex([0.0, b.tragus_up, b.tragus_fwd], p.neck_flexion));
    let head_pitch = HEAD_FOLLOWS_NECK * p.neck_flexion + p.head_pitch;
    let pivot = [0.0, -0.015, 0.005];
    let orient = |q: V3| -> V3 {
        // offsets relative to the tragus midpoint, rotated about the atlanto-occipital pivot
        let r = sub(q, pivot);
        let r = tilt(r, p.head_roll);
        let r = flex(r, head_pitch);
        let r = turn(r, p.head_yaw);
        add(tragus, add(pivot, r))
    };
    let head: [(usize, V3); 11] = [
        (NOSE, [0.0, -b.nose_down, b.nose_fwd]),
        (
            LEFT_EYE_INNER,
            [b.eye_half - 0.015, b.eye_up, b.eye_fwd + 0.004],
        ),
        (LEFT_EYE, [b.eye_half, b.eye_up, b.eye_fwd]),
        (
            LEFT_EYE_OUTER,
            [b.eye_half + 0.017, b.eye_up, b.eye_fwd - 0.012],
        ),
        (
            RIGHT_EYE_INNER,
            [-(b.eye_half - 0.015), b.eye_up, b.eye_fwd + 0.004],
        ),
        (RIGHT_EYE, [-b.eye_half, b.eye_up, b.eye_fwd]),
        (
            RIGHT_EYE_OUTER,
            [-(b.eye_half + 0.017), b.eye_up, b.eye_fwd - 0.012],
        ),
        (LEFT_EAR, [b.ear_half, b.ear_marker_up, 0.0]),
        (RIGHT_EAR, [-b.ear_half, b.ear_marker_up, 0.0]),
        (MOUTH_LEFT, [b.mouth_half, -b.mouth_down, b.mouth_fwd]),
        (MOUTH_RIGHT, [-b.mouth_half, -b.mouth_down, b.mouth_fwd]),
    ];
    for (i, q) in head {
        pts[i] = orient(q);
    }
    // Hips and legs (seated).
    for (side, hip, knee, ankle, heel, foot) in [
        (1.0, LEFT_HIP, 25, 27, 29, 31),
        (-1.0, RIGHT_HIP, 26, 28, 30, 32),
    ] {
        let h = [side * b.hip_half, 0.0, 0.0];
        let k = add(h, [side * 0.02, -0.02, 0.45]);
        let a = add(k, [0.0, -0.45, 0.05]);
        pts[hip] = h;
        pts[knee] = k;
        pts[ankle] = a;
        pts[heel] = add(a, [0.0, -0.05, -0.05]);
        pts[foot] = add(a, [0.0, -0.07, 0.15]);
    }
    // Truth before the trunk moves: forward head is measured against gravity afterwards.
    let upper_body: Vec<usize> = (0..=22)
        .filter(|&i| i != LEFT_HIP && i != RIGHT_HIP)
        .collect();
    // Trunk lean (about the hip centre): the upper body rotates, the head keeps its orientation
    // (gaze) by counter-rotating about its pivot.
    let head_ids: Vec<usize> = head.iter().map(|(i, _)| *i).collect();
    let pivot_world = add(tragus, pivot);
    let lean = |q: V3| tilt(flex(q, -p.lean_back), p.lean_side);
    let new_pivot = lean(pivot_world);
    for &i in &upper_body {
        if head_ids.contains(&i) {
            // translate with the pivot, keep orientation for the sagittal lean; side lean tilts
            // the head with the trunk (people rarely re-level it fully).
            let rel = sub(pts[i], pivot_world);
            pts[i] = add(new_pivot, tilt(rel, p.lean_side));
        } else {
            pts[i] = lean(pts[i]);
        }
    }
    for q in pts.iter_mut() {
        *q = add(*q, p.shift);
    }
    let ear_mid = scale_mid(pts[LEFT_EAR], pts[RIGHT_EAR]);
    let sh_mid = scale_mid(pts[LEFT_SHOULDER], pts[RIGHT_SHOULDER]);
    let v = sub(ear_mid, sh_mid);
    let truth = Truth {
        forward_head_deg: v[2].atan2(v[1]).to_degrees(),
        rounded_shoulder_deg: p.protraction,
        head_pitch_deg: head_pitch,
    };
    Posed { points: pts, truth }
}

fn scale_mid(a: V3, b: V3) -> V3 {
    [
        (a[0] + b[0]) / 2.0,
        (a[1] + b[1]) / 2.0,
        (a[2] + b[2]) / 2.0,
    ]
}

/// A pinhole camera in the model's world frame.
#[derive(Clone, Copy, Debug)]
pub struct Camera {
    pub position: V3,
    /// Camera axes in world coordinates: right, down, forward (optical axis).
    pub right: V3,
    pub down: V3,
    pub forward: V3,
    pub width: u32,
    pub height: u32,
    pub hfov_deg: f64,
}

impl Camera {
    pub fn look_at(position: V3, target: V3, width: u32, height: u32, hfov_deg: f64) -> Self {
        let forward = unit(sub(target, position));
        let right = unit(cross(forward, [0.0, 1.0, 0.0]));
        let down = cross(forward, right);
        Camera {
            position,
            right,
            down,
            forward,
            width,
            height,
            hfov_deg,
        }
    }
    pub fn focal(&self) -> f64 {
        f64::from(self.width) / 2.0 / (self.hfov_deg.to_radians() / 2.0).tan()
    }
    fn in_camera_frame(&self, p: V3) -> V3 {
        let d = sub(p, self.position);
        [dot(d, self.right), dot(d, self.down), dot(d, self.forward)]
    }
}

/// A laptop-style webcam: `distance` metres in front of the eyes (horizontally), `below` metres
/// below eye level, rotated `azimuth_deg` about the person (positive = towards their left),
/// aimed between the eyes and the shoulders. 640×480.
pub fn laptop_camera(b: &Body, distance: f64, below: f64, azimuth_deg: f64, hfov: f64) -> Camera {
    let upright = pose_body(b, &Posture::default());
    let eyes = scale_mid(
        upright.points[landmark::LEFT_EYE],
        upright.points[landmark::RIGHT_EYE],
    );
    let shoulders = scale_mid(
        upright.points[landmark::LEFT_SHOULDER],
        upright.points[landmark::RIGHT_SHOULDER],
    );
    let offset = turn([0.0, 0.0, distance], azimuth_deg);
    let position = add(eyes, [offset[0], -below, offset[2]]);
    let target = [eyes[0], 0.45 * eyes[1] + 0.55 * shoulders[1], eyes[2]];
    Camera::look_at(position, target, 640, 480, hfov)
}

/// A side camera level with the neck, `distance` metres to the person's left, 640×480.
pub fn side_camera(b: &Body, distance: f64, hfov: f64) -> Camera {
    let upright = pose_body(b, &Posture::default());
    let ear = upright.points[landmark::LEFT_EAR];
    let sh = upright.points[landmark::LEFT_SHOULDER];
    let target = [0.0, (ear[1] + sh[1]) / 2.0, (ear[2] + sh[2]) / 2.0];
    let position = add(target, [distance, 0.0, 0.0]);
    Camera::look_at(position, target, 640, 480, hfov)
}

/// Noise levels (1σ).
#[derive(Clone, Copy, Debug)]
pub struct Noise {
    pub pixels: f64,
    /// Fraction of the upper body's image-z range.
    pub image_z_fraction: f64,
    pub world_m: f64,
}

impl Noise {
    /// BlazePose-like: 1.5 px on 640×480, image z 15 % of its range, world 1.5 cm.
    pub const REALISTIC: Noise = Noise {
        pixels: 1.5,
        image_z_fraction: 0.15,
        world_m: 0.015,
    };
    pub const NONE: Noise = Noise {
        pixels: 0.0,
        image_z_fraction: 0.0,
        world_m: 0.0,
    };
}

/// Projects a posed body into a BlazePose-like [`Pose`].
pub fn render(b: &Body, posed: &Posed, cam: &Camera, noise: Noise, rng: &mut Rng) -> Pose {
    use landmark::*;
    let f = cam.focal();
    let (cx, cy) = (f64::from(cam.width) / 2.0, f64::from(cam.height) / 2.0);
    let pc: Vec<V3> = posed
        .points
        .iter()
        .map(|&p| cam.in_camera_frame(p))
        .collect();
    let hip_c = scale_mid(pc[LEFT_HIP], pc[RIGHT_HIP]);
    let z_scale = f / hip_c[2];
    let true_z: Vec<f64> = pc.iter().map(|p| (p[2] - hip_c[2]) * z_scale).collect();
    let upper: Vec<f64> = true_z[..=24].to_vec();
    let z_range = upper.iter().cloned().fold(f64::MIN, f64::max)
        - upper.iter().cloned().fold(f64::MAX, f64::min);
    // Which side faces a side camera: the nearer shoulder.
    let left_nearer = pc[LEFT_SHOULDER][2] < pc[RIGHT_SHOULDER][2];
    let side_gap = (pc[LEFT_SHOULDER][2] - pc[RIGHT_SHOULDER][2]).abs();
    let is_side = side_gap > 0.6 * 2.0 * b.half_shoulder;
    // A common offset of the world origin (the hip centre is often guessed).
    let origin_noise = [rng.gauss(), rng.gauss(), rng.gauss()].map(|g| g * noise.world_m);
    let mut landmarks = [Landmark::default(); LANDMARK_COUNT];
    let mut world = [[0.0f32; 3]; LANDMARK_COUNT];
    for i in 0..LANDMARK_COUNT {
        let p = pc[i];
        let u = cx + f * p[0] / p[2];
        let v = cy + f * p[1] / p[2];
        let inside = u >= 0.0 && u < f64::from(cam.width) && v >= 0.0 && v < f64::from(cam.height);
        // Eyes 1–3 are the left eye, 4–6 the right; from 7 on odd = left.
        let is_left = (1..=3).contains(&i) || (i >= 7 && i % 2 == 1);
        let occluded = is_side && (is_left != left_nearer) && i != NOSE;
        let (visibility, presence, px_sigma) = if !inside {
            (0.05, 0.1, 4.0 * noise.pixels)
        } else if occluded {
            (0.3, 0.95, 3.0 * noise.pixels)
        } else {
            (0.99, 0.99, noise.pixels)
        };
        let z = true_z[i] * b.image_z_gain + rng.gauss() * noise.image_z_fraction * z_range;
        landmarks[i] = Landmark {
            x: (u + rng.gauss() * px_sigma) as f32,
            y: (v + rng.gauss() * px_sigma) as f32,
            z: z as f32,
            visibility,
            presence,
        };
        let rel = sub(p, hip_c);
        // Out-of-frame points are guessed: 2 cm instead of 1.5 cm (the top of BlazePose's
        // ≈ 1–2 cm).
        let extra = if inside { 1.0 } else { 4.0 / 3.0 };
        let w = [rel[0], rel[1], rel[2] * b.world_depth_gain];
        for k in 0..3 {
            world[i][k] = (w[k] * b.world_scale
                + origin_noise[k]
                + rng.gauss() * noise.world_m * extra) as f32;
        }
    }
    Pose {
        landmarks,
        world_landmarks: world,
        presence: 0.99,
        roi: Roi::default(),
        image_width: cam.width,
        image_height: cam.height,
        face: None,
    }
}

/// A pose estimator that returns `body` sitting upright in front of `camera`, with realistic
/// landmark noise, whatever the image (tests that drive a session with time passed in).
pub struct UprightEstimator {
    pub body: Body,
    pub camera: Camera,
    pub rng: Rng,
}

impl plumbline::pose::PoseEstimator for UprightEstimator {
    fn estimate(
        &mut self,
        _image: &image::RgbImage,
        _time_s: f64,
    ) -> Result<Option<Pose>, plumbline::pose::model::PoseError> {
        let posed = pose_body(&self.body, &Posture::default());
        Ok(Some(render(
            &self.body,
            &posed,
            &self.camera,
            Noise::REALISTIC,
            &mut self.rng,
        )))
    }

    fn reset(&mut self) {}
}
