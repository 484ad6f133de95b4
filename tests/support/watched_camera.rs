//! Test cameras shared by the tests that watch the camera being opened and closed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use image::RgbImage;
use plumbline::camera::{CameraDevice, CameraFault};

/// A camera that shows an upright person and records whether it is open.
pub struct WatchedCamera {
    pub portrait: RgbImage,
    pub open: Arc<AtomicBool>,
    pub opens: Arc<AtomicUsize>,
    /// A file this camera keeps open while it is open, as a real one keeps its device node.
    pub node: Option<std::path::PathBuf>,
    pub held: Option<std::fs::File>,
}

impl CameraDevice for WatchedCamera {
    fn open(&mut self) -> Result<(), CameraFault> {
        if let Some(node) = &self.node {
            self.held =
                Some(std::fs::File::open(node).map_err(|e| CameraFault::Other(e.to_string()))?);
        }
        self.open.store(true, Ordering::SeqCst);
        self.opens.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn grab(&mut self) -> Result<RgbImage, CameraFault> {
        assert!(self.open.load(Ordering::SeqCst), "grab on a closed camera");
        std::thread::sleep(Duration::from_millis(33));
        Ok(self.portrait.clone())
    }

    fn close(&mut self) {
        self.held = None;
        self.open.store(false, Ordering::SeqCst);
    }

    fn describe(&self) -> String {
        "watched camera".to_string()
    }
}
