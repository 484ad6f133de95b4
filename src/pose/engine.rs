//! The BlazePose pipeline: detector → region → landmark model → frame coordinates → tracking
//! and smoothing. Only the two model runs are impure; everything around them is the pure
//! functions of the sibling modules.

use image::RgbImage;

use super::anchors::{Anchor, DETECTOR_INPUT_SIZE, pose_detector_anchors};
use super::detection::{Detection, Letterbox, decode_detections, weighted_non_max_suppression};
use super::face::{FaceLandmarker, face_roi_from_mesh};
use super::landmarks::{
    AUXILIARY_CENTER, AUXILIARY_SCALE, HEATMAP_SIZE, LANDMARK_INPUT_SIZE, MODEL_LANDMARKS,
    VALUES_PER_LANDMARK, decode_landmarks, project_to_frame, project_world_landmarks,
    refine_with_heatmap,
};
use super::model::{OnnxModel, PoseError};
use super::roi::{alignment_box_side, roi_from_alignment_points};
use super::smoothing::{PoseSmoother, ValueScale};
use super::types::{LANDMARK_COUNT, Landmark, Pose, Roi, WorldLandmark};
use super::warp::{BilinearTable, Border, ValueRange, warp_roi_into_tensor};
use crate::models::{ModelFile, ModelLocator};

/// Below this pose presence the person is lost and the detector runs again on the next frame
/// (MediaPipe's default `min_tracking_confidence`).
pub const MIN_PRESENCE: f32 = 0.5;

/// Which landmark model to run.
///
/// The default is `full`: posture is read from the ears and shoulders, and on the benchmark
/// video (`scripts/bench_pose.sh`) full agreed 3× better with MediaPipe on landmarks 0–12
/// (0.52 % vs 1.59 % of the diagonal) and jittered less (p95 1.23 % vs 1.43 % of the shoulder
/// width) than lite; on the portrait fixture lite's shoulders were 19–33 px off against full's
/// 3–6 px. At the monitor's few analysed frames per second full costs ≈7 ms of CPU per frame
/// (lite ≈4.5 ms), about 1.5 % of one core, so its accuracy is worth the cost. Lite stays
/// available for very slow machines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LandmarkModel {
    /// The lite model: about half of full's cost, noticeably less precise on the shoulders.
    Lite,
    /// The full model (MediaPipe's `model_complexity=1`), the default and the reference for
    /// parity tests.
    #[default]
    Full,
}

impl LandmarkModel {
    pub fn file(self) -> ModelFile {
        match self {
            LandmarkModel::Lite => ModelFile::LandmarkLite,
            LandmarkModel::Full => ModelFile::LandmarkFull,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LandmarkModel::Lite => "lite",
            LandmarkModel::Full => "full",
        }
    }
}

/// How frames relate to each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameMode {
    /// Unrelated pictures: detect every time, no smoothing.
    Stills,
    /// A video or camera stream: track the person from frame to frame and smooth.
    Video,
}

/// Anything that turns a frame into the pose of the person in it.
pub trait PoseEstimator: Send {
    /// The pose in `image` at `time_s`, or `None` when nobody is there.
    fn estimate(&mut self, image: &RgbImage, time_s: f64) -> Result<Option<Pose>, PoseError>;

    /// Forgets the tracked person (the next frame starts with a fresh detection).
    fn reset(&mut self);
}

const DETECTOR_TENSOR: usize = DETECTOR_INPUT_SIZE * DETECTOR_INPUT_SIZE * 3;
const LANDMARK_TENSOR: usize = LANDMARK_INPUT_SIZE * LANDMARK_INPUT_SIZE * 3;

/// Output sizes of the detector: boxes (2254 × 12) and scores (2254).
const DETECTOR_OUTPUTS: [usize; 2] = [
    super::anchors::ANCHOR_COUNT * 12,
    super::anchors::ANCHOR_COUNT,
];

/// Output sizes of the landmark model: landmarks, presence, heatmap, world landmarks.
const LANDMARK_OUTPUTS: [usize; 4] = [
    MODEL_LANDMARKS * VALUES_PER_LANDMARK,
    1,
    HEATMAP_SIZE * HEATMAP_SIZE * MODEL_LANDMARKS,
    MODEL_LANDMARKS * 3,
];

/// How often each model ran (for benchmarks and the UI's cost display).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EngineCounters {
    pub detector_runs: u64,
    pub landmark_runs: u64,
    pub face_runs: u64,
    /// Process CPU time spent in the face stage (crop, model, decode), seconds: the face
    /// mesh's share of the cost.
    pub face_seconds: f64,
}

/// BlazePose on ONNX Runtime.
pub struct BlazePose {
    counters: EngineCounters,
    detector: OnnxModel,
    landmarker: OnnxModel,
    face: FaceLandmarker,
    /// The face region for the next frame (video): from this frame's mesh.
    tracked_face: Option<Roi>,
    anchors: Vec<Anchor>,
    bilinear: BilinearTable,
    mode: FrameMode,
    tracked_region: Option<Roi>,
    smoother: PoseSmoother,
    detector_input: Vec<f32>,
    landmark_input: Vec<f32>,
}

impl BlazePose {
    pub fn new(
        locator: &ModelLocator,
        model: LandmarkModel,
        mode: FrameMode,
    ) -> Result<Self, PoseError> {
        let detector = OnnxModel::load(
            locator,
            ModelFile::PoseDetection,
            [1, DETECTOR_INPUT_SIZE, DETECTOR_INPUT_SIZE, 3],
            &DETECTOR_OUTPUTS,
        )?;
        let landmarker = OnnxModel::load(
            locator,
            model.file(),
            [1, LANDMARK_INPUT_SIZE, LANDMARK_INPUT_SIZE, 3],
            &LANDMARK_OUTPUTS,
        )?;
        let face = FaceLandmarker::new(locator)?;
        Ok(Self {
            counters: EngineCounters::default(),
            detector,
            landmarker,
            face,
            tracked_face: None,
            anchors: pose_detector_anchors(),
            bilinear: BilinearTable::new(),
            mode,
            tracked_region: None,
            smoother: PoseSmoother::default(),
            detector_input: vec![0.0; DETECTOR_TENSOR],
            landmark_input: vec![0.0; LANDMARK_TENSOR],
        })
    }

    /// How often each model has run so far.
    pub fn counters(&self) -> EngineCounters {
        EngineCounters {
            face_runs: self.face.runs(),
            ..self.counters
        }
    }

    /// Runs the detector on the whole frame and returns the region of the largest person.
    fn detect(&mut self, image: &RgbImage) -> Result<Option<Roi>, PoseError> {
        let (width, height) = (image.width(), image.height());
        let side = width.max(height) as f32;
        let whole_frame = Roi {
            center_x: width as f32 / 2.0,
            center_y: height as f32 / 2.0,
            width: side,
            height: side,
            rotation: 0.0,
        };
        warp_roi_into_tensor(
            image,
            &whole_frame,
            DETECTOR_INPUT_SIZE,
            Border::Zero,
            ValueRange::MINUS_ONE_TO_ONE,
            &self.bilinear,
            &mut self.detector_input,
        );
        self.counters.detector_runs += 1;
        let outputs = self.detector.run(&self.detector_input)?;
        let detections = decode_detections(&outputs[0], &outputs[1], &self.anchors);
        let letterbox = Letterbox::for_frame(width, height);
        let regions = weighted_non_max_suppression(detections)
            .into_iter()
            .map(|detection| region_of(&letterbox.remove_from_detection(&detection), width, height))
            .filter(|roi| roi.width.is_finite() && roi.width > 1.0);
        Ok(regions.max_by(|a, b| a.width.total_cmp(&b.width)))
    }

    /// Runs the landmark model on `region`; `None` when the pose presence is too low.
    fn landmarks_in(
        &mut self,
        image: &RgbImage,
        region: &Roi,
    ) -> Result<Option<RawPose>, PoseError> {
        warp_roi_into_tensor(
            image,
            region,
            LANDMARK_INPUT_SIZE,
            Border::Replicate,
            ValueRange::ZERO_TO_ONE,
            &self.bilinear,
            &mut self.landmark_input,
        );
        self.counters.landmark_runs += 1;
        let outputs = self.landmarker.run(&self.landmark_input)?;
        let presence = outputs[1][0];
        if presence.is_nan() || presence < MIN_PRESENCE {
            return Ok(None);
        }
        let mut crop_landmarks = decode_landmarks(&outputs[0]);
        refine_with_heatmap(&mut crop_landmarks, &outputs[2]);
        let mut landmarks = [Landmark::default(); MODEL_LANDMARKS];
        for (projected, crop) in landmarks.iter_mut().zip(crop_landmarks.iter()) {
            *projected = project_to_frame(crop, region);
        }
        let world = project_world_landmarks(&outputs[3], region);
        Ok(Some(RawPose {
            landmarks,
            world,
            presence,
        }))
    }
}

/// The landmark model's output for one frame, in frame coordinates, before smoothing.
struct RawPose {
    landmarks: [Landmark; MODEL_LANDMARKS],
    world: Vec<WorldLandmark>,
    presence: f32,
}

/// The landmark model's region for a detection (normalised coordinates) in a frame.
fn region_of(detection: &Detection, width: u32, height: u32) -> Roi {
    let to_pixels = |index: usize| {
        (
            detection.keypoints[index].x * width as f32,
            detection.keypoints[index].y * height as f32,
        )
    };
    roi_from_alignment_points(to_pixels(0), to_pixels(1))
}

impl PoseEstimator for BlazePose {
    fn estimate(&mut self, image: &RgbImage, time_s: f64) -> Result<Option<Pose>, PoseError> {
        if image.width() == 0 || image.height() == 0 {
            return Ok(None);
        }
        let tracked = match self.mode {
            FrameMode::Video => self.tracked_region,
            FrameMode::Stills => None,
        };
        let region = match tracked {
            Some(region) => region,
            None => match self.detect(image)? {
                Some(region) => region,
                None => {
                    self.reset();
                    return Ok(None);
                }
            },
        };
        let Some(raw) = self.landmarks_in(image, &region)? else {
            self.reset();
            return Ok(None);
        };

        let mut auxiliary = [
            raw.landmarks[AUXILIARY_CENTER],
            raw.landmarks[AUXILIARY_SCALE],
        ];
        let mut body: [Landmark; LANDMARK_COUNT] = [Landmark::default(); LANDMARK_COUNT];
        body.copy_from_slice(&raw.landmarks[..LANDMARK_COUNT]);
        let mut world = [[0.0f32; 3]; LANDMARK_COUNT];
        world.copy_from_slice(&raw.world[..LANDMARK_COUNT]);

        if self.mode == FrameMode::Video {
            self.smoother.auxiliary.smooth_landmarks(
                time_s,
                ValueScale::OwnBoundingBox,
                &mut auxiliary,
            );
            let object_size = alignment_box_side(
                (auxiliary[0].x, auxiliary[0].y),
                (auxiliary[1].x, auxiliary[1].y),
            );
            self.smoother.body.smooth_landmarks(
                time_s,
                ValueScale::ObjectSize(object_size),
                &mut body,
            );
            self.smoother.world.smooth_world(time_s, &mut world);
            let next = roi_from_alignment_points(
                (auxiliary[0].x, auxiliary[0].y),
                (auxiliary[1].x, auxiliary[1].y),
            );
            self.tracked_region = (next.width.is_finite() && next.width > 1.0).then_some(next);
        }
        // The face crop comes from the unsmoothed face points (the smoothed ones lag a moving
        // head), or in a video from the previous frame's mesh.
        let tracked_face = match self.mode {
            FrameMode::Video => self.tracked_face,
            FrameMode::Stills => None,
        };
        let face_started = crate::cost::process_cpu_time();
        let face = self.face.estimate(
            image,
            &raw.landmarks[..LANDMARK_COUNT],
            tracked_face.as_ref(),
        )?;
        self.counters.face_seconds +=
            (crate::cost::process_cpu_time().saturating_sub(face_started)).as_secs_f64();
        if self.mode == FrameMode::Video {
            self.tracked_face = face
                .as_ref()
                .and_then(|mesh| face_roi_from_mesh(&mesh.points));
        }
        Ok(Some(Pose {
            landmarks: body,
            world_landmarks: world,
            presence: raw.presence,
            roi: region,
            image_width: image.width(),
            image_height: image.height(),
            face,
        }))
    }

    fn reset(&mut self) {
        self.tracked_region = None;
        self.tracked_face = None;
        self.smoother.reset();
    }
}
