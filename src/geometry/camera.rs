//! The camera model the geometry needs: frame size and horizontal field of view, giving a
//! pinhole focal length in pixels so that landmarks can be back-projected to 3D.
//!
//! Assumptions: square pixels, principal point at the image centre, no lens distortion (laptop
//! and USB webcams are close to this in the central part of the frame where a seated person
//! appears). When the field of view is unknown, [`CameraIntrinsics::DEFAULT_HFOV_DEG`] is used
//! for the 3D reconstruction (a wrong guess distorts depth against width by the ratio of the
//! focal lengths, so calibrated angle changes come out scaled by roughly that ratio) and
//! metrics that need an absolute scale, such as the screen distance, are not reported.

use serde::{Deserialize, Serialize};

use super::math::V3;

/// The camera that produced the frames: resolution and, when known, horizontal field of view.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CameraIntrinsics {
    /// Frame width in pixels.
    pub width: u32,
    /// Frame height in pixels.
    pub height: u32,
    /// Horizontal field of view in degrees, when the user or the device reported it.
    pub hfov_deg: Option<f32>,
}

impl CameraIntrinsics {
    /// Horizontal field of view assumed when none is known. Built-in laptop webcams are typically
    /// 60–78° horizontal (≈ 70–90° diagonal); 65° sits in the middle of that range.
    pub const DEFAULT_HFOV_DEG: f32 = 65.0;

    /// A camera of the given resolution and unknown field of view.
    pub fn new(width: u32, height: u32) -> Self {
        Self {
            width,
            height,
            hfov_deg: None,
        }
    }

    /// The same camera with a known horizontal field of view in degrees.
    #[must_use]
    pub fn with_hfov(self, hfov_deg: f32) -> Self {
        Self {
            hfov_deg: Some(hfov_deg),
            ..self
        }
    }

    /// True when the field of view was given rather than assumed.
    pub fn hfov_known(&self) -> bool {
        self.hfov_deg
            .is_some_and(|h| h.is_finite() && h > 1.0 && h < 179.0)
    }

    /// The field of view used for geometry: the known one, else the default.
    pub fn effective_hfov_deg(&self) -> f32 {
        match self.hfov_deg {
            Some(h) if self.hfov_known() => h,
            _ => Self::DEFAULT_HFOV_DEG,
        }
    }

    /// Pinhole focal length in pixels for a frame `image_width` pixels wide:
    /// `f = (W / 2) / tan(HFOV / 2)`.
    pub fn focal_px(&self, image_width: u32) -> f64 {
        let half = (f64::from(self.effective_hfov_deg()) / 2.0).to_radians();
        f64::from(image_width) / 2.0 / half.tan()
    }

    /// The pinhole model for a frame of the given size (the pose's frame may be a resized copy
    /// of the camera's).
    pub(crate) fn pinhole(&self, image_width: u32, image_height: u32) -> Pinhole {
        Pinhole {
            f: self.focal_px(image_width),
            cx: f64::from(image_width) / 2.0,
            cy: f64::from(image_height) / 2.0,
        }
    }
}

/// Focal length and principal point in pixels.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pinhole {
    pub f: f64,
    pub cx: f64,
    pub cy: f64,
}

impl Pinhole {
    /// The 3D point (camera frame: x right, y down, z away, metres) at depth `z` seen at pixel
    /// `(u, v)`.
    pub fn backproject(&self, u: f64, v: f64, z: f64) -> V3 {
        [(u - self.cx) * z / self.f, (v - self.cy) * z / self.f, z]
    }

    /// The pixel a 3D camera-frame point projects to, or `None` behind (or at) the camera.
    pub fn project(&self, p: V3) -> Option<(f64, f64)> {
        (p[2] > 1e-6).then(|| {
            (
                self.cx + self.f * p[0] / p[2],
                self.cy + self.f * p[1] / p[2],
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focal_from_fov() {
        let cam = CameraIntrinsics::new(640, 480).with_hfov(90.0);
        assert!((cam.focal_px(640) - 320.0).abs() < 1e-6);
        assert!(!CameraIntrinsics::new(640, 480).hfov_known());
    }

    #[test]
    fn project_backproject_round_trip() {
        let p = CameraIntrinsics::new(640, 480).pinhole(640, 480);
        let x = p.backproject(100.0, 50.0, 0.7);
        let (u, v) = p.project(x).unwrap_or((0.0, 0.0));
        assert!((u - 100.0).abs() < 1e-9 && (v - 50.0).abs() < 1e-9);
        assert!(p.project([0.0, 0.0, -1.0]).is_none());
    }
}
