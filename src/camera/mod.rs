//! The webcam: listing and opening cameras, and a supervisor that turns every way a camera can
//! fail — missing, busy, unplugged, forbidden, black, frozen — into a state with a message and
//! an automatic retry, never a crash.
//!
//! The physical camera sits behind the [`CameraDevice`] trait so the supervisor is tested with a
//! fake that fails, goes busy, freezes and comes back. Time is passed in, never read.

mod device;
pub mod sharing;

pub use device::{DeviceInfo, NokhwaCamera, list_devices};

use image::RgbImage;
use serde::{Deserialize, Serialize};

/// Which camera to open: by index (`0`) or by a part of its name (`"Logitech"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CameraSelector {
    Index(u32),
    Name(String),
}

impl CameraSelector {
    /// Digits select by index, anything else by name.
    pub fn parse(text: &str) -> Self {
        match text.trim().parse::<u32>() {
            Ok(index) => CameraSelector::Index(index),
            Err(_) => CameraSelector::Name(text.trim().to_string()),
        }
    }
}

impl CameraSelector {
    /// The V4L2 device node of a camera chosen by index (`/dev/videoN`, as the capture
    /// backend opens it); `None` for a camera chosen by name.
    pub fn device_node(&self) -> Option<std::path::PathBuf> {
        match self {
            CameraSelector::Index(index) => Some(format!("/dev/video{index}").into()),
            CameraSelector::Name(_) => None,
        }
    }
}

impl Default for CameraSelector {
    fn default() -> Self {
        CameraSelector::Index(0)
    }
}

impl std::fmt::Display for CameraSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CameraSelector::Index(index) => write!(f, "camera {index}"),
            CameraSelector::Name(name) => write!(f, "camera \"{name}\""),
        }
    }
}

/// What to open and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CameraSettings {
    pub selector: CameraSelector,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
}

impl Default for CameraSettings {
    fn default() -> Self {
        Self {
            selector: CameraSelector::default(),
            width: 640,
            height: 480,
            fps: 30,
        }
    }
}

/// Every way the camera can let us down, each with what the user should do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum CameraFault {
    #[error(
        "No camera found ({0}). Plug one in or choose another in Settings; plumbline keeps looking."
    )]
    NotFound(String),
    #[error(
        "The camera is in use by another app (a video call?). plumbline will carry on when it is free."
    )]
    Busy,
    #[error("The camera was disconnected. Plug it back in; plumbline picks it up again by itself.")]
    Unplugged,
    #[error(
        "plumbline may not use the camera ({0}). Add your user to the 'video' group (`sudo usermod -aG video $USER`, then log in again)."
    )]
    PermissionDenied(String),
    #[error("The picture is black: is the lens covered or the privacy shutter closed?")]
    Black,
    #[error("The camera's picture stopped changing; restarting the camera.")]
    Frozen,
    #[error("The camera failed: {0}. plumbline will try again.")]
    Other(String),
}

impl CameraFault {
    /// Classifies a low-level camera error message (V4L2 errno texts) into a fault.
    pub fn from_message(message: &str) -> Self {
        let lower = message.to_lowercase();
        if lower.contains("busy") {
            CameraFault::Busy
        } else if lower.contains("permission denied") || lower.contains("operation not permitted") {
            CameraFault::PermissionDenied(message.to_string())
        } else if lower.contains("no such device") || lower.contains("broken pipe") {
            CameraFault::Unplugged
        } else if lower.contains("no such file") || lower.contains("not found") {
            CameraFault::NotFound(message.to_string())
        } else {
            CameraFault::Other(message.to_string())
        }
    }

    /// Short snake_case name for events and the database.
    pub fn kind(&self) -> &'static str {
        match self {
            CameraFault::NotFound(_) => "not_found",
            CameraFault::Busy => "busy",
            CameraFault::Unplugged => "unplugged",
            CameraFault::PermissionDenied(_) => "permission_denied",
            CameraFault::Black => "black",
            CameraFault::Frozen => "frozen",
            CameraFault::Other(_) => "other",
        }
    }
}

/// A camera that can be opened, read and closed.
pub trait CameraDevice: Send {
    fn open(&mut self) -> Result<(), CameraFault>;
    /// The next frame; blocks until the camera delivers one.
    fn grab(&mut self) -> Result<RgbImage, CameraFault>;
    /// Takes the next frame from the camera without decoding it (keeps the stream fresh at
    /// little cost while no analysis is due).
    fn skip(&mut self) -> Result<(), CameraFault> {
        self.grab().map(|_| ())
    }
    fn close(&mut self);
    fn describe(&self) -> String;
}

impl CameraDevice for Box<dyn CameraDevice> {
    fn open(&mut self) -> Result<(), CameraFault> {
        (**self).open()
    }
    fn grab(&mut self) -> Result<RgbImage, CameraFault> {
        (**self).grab()
    }
    fn skip(&mut self) -> Result<(), CameraFault> {
        (**self).skip()
    }
    fn close(&mut self) {
        (**self).close()
    }
    fn describe(&self) -> String {
        (**self).describe()
    }
}

/// First wait before reopening a failed camera.
pub const FIRST_RETRY_S: f64 = 2.0;
/// Longest wait between attempts (the back-off doubles up to this).
pub const MAX_RETRY_S: f64 = 30.0;
/// Mean brightness (0–255) under which a frame counts as black.
const BLACK_LEVEL: f64 = 8.0;
/// How long the picture must stay black before it is reported.
const BLACK_AFTER_S: f64 = 3.0;
/// How long the picture must stay identical before the camera counts as frozen.
const FROZEN_AFTER_S: f64 = 5.0;
/// Pixels sampled per frame for the black and frozen checks (a sparse grid: cheap).
const SAMPLE_GRID: u32 = 24;

/// What one poll of the supervisor gave.
#[derive(Debug)]
pub enum CameraPoll {
    /// A good frame.
    Frame(RgbImage),
    /// The camera is failing; it will be retried at `retry_at` (seconds, caller's clock).
    Fault { fault: CameraFault, retry_at: f64 },
    /// A frame was taken from the camera but not decoded (none was wanted).
    Skipped,
}

#[derive(Debug)]
enum Link {
    Closed,
    Open,
    Failed { fault: CameraFault, retry_at: f64 },
}

/// Brightness and a fingerprint of a frame, from a sparse grid of pixels.
fn frame_signature(image: &RgbImage) -> (f64, u64) {
    let (width, height) = image.dimensions();
    if width == 0 || height == 0 {
        return (0.0, 0);
    }
    let mut sum = 0u64;
    let mut fingerprint = 0xcbf2_9ce4_8422_2325u64;
    let mut count = 0u64;
    for row in 0..SAMPLE_GRID {
        for column in 0..SAMPLE_GRID {
            let x = (column * 2 + 1) * width / (SAMPLE_GRID * 2);
            let y = (row * 2 + 1) * height / (SAMPLE_GRID * 2);
            for &channel in &image.get_pixel(x, y).0 {
                sum += channel as u64;
                fingerprint = (fingerprint ^ channel as u64).wrapping_mul(0x0100_0000_01b3);
                count += 1;
            }
        }
    }
    (sum as f64 / count as f64, fingerprint)
}

/// Keeps a camera open when it should be, reopens it with back-off when it fails, and
/// recognises black and frozen pictures.
pub struct CameraSupervisor<D: CameraDevice> {
    device: D,
    link: Link,
    backoff_s: f64,
    black_since: Option<f64>,
    last_fingerprint: Option<(u64, f64)>,
}

impl<D: CameraDevice> CameraSupervisor<D> {
    pub fn new(device: D) -> Self {
        Self {
            device,
            link: Link::Closed,
            backoff_s: FIRST_RETRY_S,
            black_since: None,
            last_fingerprint: None,
        }
    }

    pub fn describe(&self) -> String {
        self.device.describe()
    }

    /// Closes the camera (its light goes off) until the next [`CameraSupervisor::poll`].
    pub fn release(&mut self) {
        if matches!(self.link, Link::Open) {
            self.device.close();
        }
        self.link = Link::Closed;
        self.black_since = None;
        self.last_fingerprint = None;
    }

    fn fail(&mut self, fault: CameraFault, now: f64) -> CameraPoll {
        if matches!(self.link, Link::Open) {
            self.device.close();
        }
        let retry_at = now + self.backoff_s;
        self.backoff_s = (self.backoff_s * 2.0).min(MAX_RETRY_S);
        self.black_since = None;
        self.last_fingerprint = None;
        self.link = Link::Failed {
            fault: fault.clone(),
            retry_at,
        };
        CameraPoll::Fault { fault, retry_at }
    }

    /// Opens the camera if needed and reads one frame. `now` is the caller's clock in seconds.
    pub fn poll(&mut self, now: f64) -> CameraPoll {
        self.poll_for(now, true)
    }

    /// Like [`CameraSupervisor::poll`]; with `decode` false the frame is only taken from the
    /// camera (cheap), to keep the stream fresh between analyses.
    pub fn poll_for(&mut self, now: f64, decode: bool) -> CameraPoll {
        if let Link::Failed { fault, retry_at } = &self.link
            && now < *retry_at
        {
            return CameraPoll::Fault {
                fault: fault.clone(),
                retry_at: *retry_at,
            };
        }
        if !matches!(self.link, Link::Open) {
            if let Err(fault) = self.device.open() {
                return self.fail(fault, now);
            }
            self.link = Link::Open;
        }
        if !decode {
            return match self.device.skip() {
                Err(fault) => self.fail(fault, now),
                Ok(()) => CameraPoll::Skipped,
            };
        }
        match self.device.grab() {
            Err(fault) => self.fail(fault, now),
            Ok(image) => self.check_picture(image, now),
        }
    }

    fn check_picture(&mut self, image: RgbImage, now: f64) -> CameraPoll {
        let (brightness, fingerprint) = frame_signature(&image);
        if brightness < BLACK_LEVEL {
            let since = *self.black_since.get_or_insert(now);
            if now - since >= BLACK_AFTER_S {
                // The camera works; keep it open and report the picture.
                return CameraPoll::Fault {
                    fault: CameraFault::Black,
                    retry_at: now,
                };
            }
        } else {
            self.black_since = None;
        }
        match self.last_fingerprint {
            Some((previous, since)) if previous == fingerprint => {
                if now - since >= FROZEN_AFTER_S {
                    return self.fail(CameraFault::Frozen, now);
                }
            }
            _ => self.last_fingerprint = Some((fingerprint, now)),
        }
        self.backoff_s = FIRST_RETRY_S;
        CameraPoll::Frame(image)
    }
}

impl<D: CameraDevice> Drop for CameraSupervisor<D> {
    fn drop(&mut self) {
        self.release();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// A scripted camera: each open and grab takes the next scripted answer.
    #[derive(Default)]
    struct FakeCamera {
        opens: VecDeque<Result<(), CameraFault>>,
        grabs: VecDeque<Result<RgbImage, CameraFault>>,
        is_open: bool,
        closes: usize,
    }

    impl CameraDevice for FakeCamera {
        fn open(&mut self) -> Result<(), CameraFault> {
            let result = self.opens.pop_front().unwrap_or(Ok(()));
            self.is_open = result.is_ok();
            result
        }
        fn grab(&mut self) -> Result<RgbImage, CameraFault> {
            assert!(self.is_open, "grab on a closed camera");
            self.grabs.pop_front().unwrap_or_else(|| Ok(picture(100)))
        }
        fn close(&mut self) {
            self.is_open = false;
            self.closes += 1;
        }
        fn describe(&self) -> String {
            "fake".into()
        }
    }

    fn picture(level: u8) -> RgbImage {
        RgbImage::from_fn(64, 48, |x, y| {
            image::Rgb([level, (x * 3) as u8, (y * 5) as u8 ^ level])
        })
    }

    fn is_frame(poll: &CameraPoll) -> bool {
        matches!(poll, CameraPoll::Frame(_))
    }

    #[test]
    fn selector_parses_index_or_name() {
        assert_eq!(CameraSelector::parse("2"), CameraSelector::Index(2));
        assert_eq!(
            CameraSelector::parse(" HD Webcam "),
            CameraSelector::Name("HD Webcam".into())
        );
    }

    #[test]
    fn v4l2_messages_are_classified() {
        assert_eq!(
            CameraFault::from_message("Device or resource busy"),
            CameraFault::Busy
        );
        assert_eq!(
            CameraFault::from_message("ENODEV: No such device"),
            CameraFault::Unplugged
        );
        assert!(matches!(
            CameraFault::from_message("Permission denied"),
            CameraFault::PermissionDenied(_)
        ));
        assert!(matches!(
            CameraFault::from_message("No such file or directory"),
            CameraFault::NotFound(_)
        ));
        assert!(matches!(
            CameraFault::from_message("weird"),
            CameraFault::Other(_)
        ));
    }

    #[test]
    fn missing_camera_is_retried_with_doubling_back_off_up_to_30_s() {
        let mut camera = FakeCamera::default();
        for _ in 0..8 {
            camera
                .opens
                .push_back(Err(CameraFault::NotFound("/dev/video0".into())));
        }
        let mut supervisor = CameraSupervisor::new(camera);
        let mut now = 0.0;
        let mut waits = Vec::new();
        for _ in 0..8 {
            match supervisor.poll(now) {
                CameraPoll::Fault { retry_at, .. } => {
                    waits.push(retry_at - now);
                    // Polling before the retry time does not touch the camera.
                    assert!(matches!(
                        supervisor.poll(now + 0.5),
                        CameraPoll::Fault { .. }
                    ));
                    now = retry_at;
                }
                other => panic!("expected a fault, got {other:?}"),
            }
        }
        assert_eq!(waits, vec![2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0, 30.0]);
        // The camera appears: frames flow and the back-off starts over.
        assert!(is_frame(&supervisor.poll(now)));
        assert_eq!(supervisor.backoff_s, FIRST_RETRY_S);
    }

    #[test]
    fn busy_then_free_resumes() {
        let mut camera = FakeCamera::default();
        camera.opens.push_back(Err(CameraFault::Busy));
        let mut supervisor = CameraSupervisor::new(camera);
        assert!(matches!(
            supervisor.poll(0.0),
            CameraPoll::Fault {
                fault: CameraFault::Busy,
                ..
            }
        ));
        assert!(is_frame(&supervisor.poll(2.0)));
    }

    #[test]
    fn unplugged_mid_run_closes_and_comes_back() {
        let mut camera = FakeCamera::default();
        camera.grabs.push_back(Ok(picture(100)));
        camera.grabs.push_back(Err(CameraFault::Unplugged));
        let mut supervisor = CameraSupervisor::new(camera);
        assert!(is_frame(&supervisor.poll(0.0)));
        assert!(matches!(
            supervisor.poll(0.1),
            CameraPoll::Fault {
                fault: CameraFault::Unplugged,
                ..
            }
        ));
        assert_eq!(supervisor.device.closes, 1);
        assert!(is_frame(&supervisor.poll(2.1)));
    }

    #[test]
    fn black_picture_is_reported_after_a_few_seconds_and_clears() {
        let mut supervisor = CameraSupervisor::new(FakeCamera::default());
        let mut time = 0.0;
        let mut black_reported_at = None;
        for frame in 0..40u8 {
            supervisor
                .device
                .grabs
                .push_back(Ok(picture(0).map_pixels_black(frame)));
            if let CameraPoll::Fault {
                fault: CameraFault::Black,
                ..
            } = supervisor.poll(time)
            {
                black_reported_at.get_or_insert(time);
            }
            time += 0.25;
        }
        let reported = black_reported_at.expect("black picture reported");
        assert!((3.0..3.5).contains(&reported), "{reported}");
        supervisor.device.grabs.push_back(Ok(picture(120)));
        assert!(is_frame(&supervisor.poll(time)));
    }

    #[test]
    fn frozen_picture_restarts_the_camera() {
        let mut supervisor = CameraSupervisor::new(FakeCamera::default());
        let still = picture(90);
        let mut time = 0.0;
        let mut frozen_at = None;
        while time < 10.0 {
            supervisor.device.grabs.push_back(Ok(still.clone()));
            if let CameraPoll::Fault {
                fault: CameraFault::Frozen,
                ..
            } = supervisor.poll(time)
            {
                frozen_at = Some(time);
                break;
            }
            time += 0.5;
        }
        assert_eq!(frozen_at, Some(5.0));
        assert_eq!(supervisor.device.closes, 1);
        // After the back-off the camera is reopened and a changing picture flows again.
        supervisor.device.grabs.push_back(Ok(picture(10)));
        assert!(is_frame(&supervisor.poll(7.0)));
    }

    #[test]
    fn release_closes_the_camera_and_poll_reopens_it() {
        let mut supervisor = CameraSupervisor::new(FakeCamera::default());
        assert!(is_frame(&supervisor.poll(0.0)));
        supervisor.release();
        assert!(!supervisor.device.is_open);
        assert!(is_frame(&supervisor.poll(1.0)));
        assert!(supervisor.device.is_open);
    }

    trait BlackWithNoise {
        fn map_pixels_black(self, seed: u8) -> RgbImage;
    }

    impl BlackWithNoise for RgbImage {
        /// A black picture with a little sensor noise, so it is not also "frozen".
        fn map_pixels_black(self, seed: u8) -> RgbImage {
            RgbImage::from_fn(self.width(), self.height(), |x, y| {
                let noise = ((x + y + seed as u32) % 3) as u8;
                image::Rgb([noise, noise, noise])
            })
        }
    }
}
