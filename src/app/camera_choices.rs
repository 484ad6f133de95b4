//! The cameras the Settings dialog offers to pick from: listed on a thread of their own (asking
//! a camera for its formats opens it, which can take a while), and again every few seconds
//! while the dialog is open, so a camera plugged in later appears.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::camera::DeviceInfo;

/// How often the list is asked again while the dialog is open.
pub const REFRESH: Duration = Duration::from_secs(3);

/// Lists the cameras (with their formats), or says why it could not.
pub type ListCameras = Arc<dyn Fn() -> Result<Vec<DeviceInfo>, String> + Send + Sync>;

/// The cameras found, as last listed.
pub type CameraList = Result<Vec<DeviceInfo>, String>;

/// The latest camera list, kept fresh in the background.
pub struct CameraChoices {
    list: ListCameras,
    /// Shared, so the dialog takes it each frame without copying the list.
    latest: Arc<Mutex<Option<Arc<CameraList>>>>,
    listing: Arc<AtomicBool>,
    asked_at: Option<Instant>,
}

impl CameraChoices {
    /// Choices listed by `list`.
    pub fn new(list: ListCameras) -> CameraChoices {
        CameraChoices {
            list,
            latest: Arc::new(Mutex::new(None)),
            listing: Arc::new(AtomicBool::new(false)),
            asked_at: None,
        }
    }

    /// The system's cameras, as `plumbline devices` lists them.
    pub fn system() -> CameraChoices {
        CameraChoices::new(Arc::new(|| {
            crate::camera::list_devices(true).map_err(|fault| fault.to_string())
        }))
    }

    /// Lists again when the last list is older than [`REFRESH`] and none is being made; the
    /// answer wakes `ctx`.
    pub fn refresh_if_due(&mut self, ctx: &egui::Context) {
        let due = self.asked_at.is_none_or(|asked| asked.elapsed() >= REFRESH);
        if due && !self.listing.swap(true, Ordering::SeqCst) {
            self.asked_at = Some(Instant::now());
            let (list, latest, listing, wake) = (
                Arc::clone(&self.list),
                Arc::clone(&self.latest),
                Arc::clone(&self.listing),
                ctx.clone(),
            );
            let spawned = std::thread::Builder::new()
                .name("plumbline-camera-list".to_owned())
                .spawn(move || {
                    let found = list();
                    *latest.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(found));
                    listing.store(false, Ordering::SeqCst);
                    wake.request_repaint();
                });
            if spawned.is_err() {
                self.listing.store(false, Ordering::SeqCst);
            }
        }
        ctx.request_repaint_after(REFRESH);
    }

    /// The last list, if one was made yet.
    pub fn latest(&self) -> Option<Arc<CameraList>> {
        self.latest
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// What the camera list offers for the setting `current` (an index, or part of a name): the
/// value each entry sets and its label, with the current value kept as an entry of its own
/// when no camera found matches it.
pub fn camera_entries(cameras: &[DeviceInfo], current: &str) -> Vec<(String, String)> {
    let mut entries: Vec<(String, String)> = cameras
        .iter()
        .map(|camera| {
            (
                camera.index.to_string(),
                format!("{}: {}", camera.index, camera.name),
            )
        })
        .collect();
    let current = current.trim();
    let matches = cameras.iter().any(|camera| {
        camera.index.to_string() == current
            || (!current.is_empty()
                && current.parse::<u32>().is_err()
                && camera.name.to_lowercase().contains(&current.to_lowercase()))
    });
    if !matches && !current.is_empty() {
        entries.push((current.to_owned(), format!("{current} (not connected)")));
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn camera(index: u32, name: &str) -> DeviceInfo {
        DeviceInfo {
            index,
            name: name.to_owned(),
            description: String::new(),
            formats: Vec::new(),
            formats_error: None,
        }
    }

    #[test]
    fn every_camera_is_offered_by_index_and_a_missing_choice_is_kept() {
        let cameras = [camera(0, "Integrated Camera"), camera(2, "USB Webcam")];
        assert_eq!(
            camera_entries(&cameras, "2"),
            [
                ("0".to_owned(), "0: Integrated Camera".to_owned()),
                ("2".to_owned(), "2: USB Webcam".to_owned()),
            ]
        );
        assert_eq!(
            camera_entries(&cameras, "4").last().unwrap(),
            &("4".to_owned(), "4 (not connected)".to_owned())
        );
        // A name that matches a camera found is that camera, not a missing one.
        assert_eq!(camera_entries(&cameras, "usb").len(), 2);
        assert_eq!(
            camera_entries(&[], "0"),
            [("0".to_owned(), "0 (not connected)".to_owned())]
        );
    }

    #[test]
    fn the_list_comes_from_its_thread_and_is_asked_again_when_due() {
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let mut choices = CameraChoices::new(Arc::new(move || {
            let call = counted.fetch_add(1, Ordering::SeqCst);
            Ok((0..call as u32).map(|index| camera(index, "cam")).collect())
        }));
        let ctx = egui::Context::default();
        assert!(choices.latest().is_none());
        choices.refresh_if_due(&ctx);
        let deadline = Instant::now() + Duration::from_secs(5);
        while choices.latest().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(
            choices.latest().unwrap().as_ref().as_ref().unwrap().len(),
            0
        );
        // Not due yet: no second listing.
        choices.refresh_if_due(&ctx);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
