//! The real camera through `nokhwa` (V4L2 on Linux): listing devices with their formats and
//! reading frames decoded to RGB (MJPEG, YUYV, NV12 and grey are decoded by nokhwa).

use image::RgbImage;
use nokhwa::Camera;
use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
    Resolution,
};

use super::{CameraDevice, CameraFault, CameraSelector, CameraSettings};

/// A camera as `plumbline devices` lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DeviceInfo {
    pub index: u32,
    pub name: String,
    pub description: String,
    /// Supported formats as `WIDTHxHEIGHT@FPS FORMAT`, when the camera could be asked.
    pub formats: Vec<String>,
    /// Why the formats are missing (for example, the camera is busy).
    pub formats_error: Option<String>,
}

fn fault_of(error: &nokhwa::NokhwaError) -> CameraFault {
    CameraFault::from_message(&error.to_string())
}

/// Lists the cameras; with `with_formats`, opens each briefly to ask what it supports.
pub fn list_devices(with_formats: bool) -> Result<Vec<DeviceInfo>, CameraFault> {
    let cameras = nokhwa::query(ApiBackend::Auto).map_err(|error| fault_of(&error))?;
    Ok(cameras
        .into_iter()
        .filter_map(|info| {
            let index = info.index().as_index().ok()?;
            let (formats, formats_error) = if with_formats {
                match formats_of(index) {
                    Ok(formats) => (formats, None),
                    Err(fault) => (Vec::new(), Some(fault.to_string())),
                }
            } else {
                (Vec::new(), None)
            };
            Some(DeviceInfo {
                index,
                name: info.human_name(),
                description: info.description().to_string(),
                formats,
                formats_error,
            })
        })
        .collect())
}

fn formats_of(index: u32) -> Result<Vec<String>, CameraFault> {
    let mut camera = Camera::new(
        CameraIndex::Index(index),
        RequestedFormat::new::<RgbFormat>(RequestedFormatType::None),
    )
    .map_err(|error| fault_of(&error))?;
    let mut formats: Vec<String> = camera
        .compatible_camera_formats()
        .map_err(|error| fault_of(&error))?
        .iter()
        .map(|format| {
            format!(
                "{}x{}@{} {}",
                format.resolution().width(),
                format.resolution().height(),
                format.frame_rate(),
                format.format()
            )
        })
        .collect();
    formats.sort();
    formats.dedup();
    Ok(formats)
}

/// The index of the camera `selector` names.
fn resolve_index(selector: &CameraSelector) -> Result<u32, CameraFault> {
    match selector {
        CameraSelector::Index(index) => Ok(*index),
        CameraSelector::Name(name) => {
            let wanted = name.to_lowercase();
            let cameras = list_devices(false)?;
            cameras
                .iter()
                .find(|camera| camera.name.to_lowercase().contains(&wanted))
                .map(|camera| camera.index)
                .ok_or_else(|| {
                    let known: Vec<String> =
                        cameras.iter().map(|camera| camera.name.clone()).collect();
                    CameraFault::NotFound(format!(
                        "no camera named like \"{name}\"; cameras present: {}",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ))
                })
        }
    }
}

/// A camera opened through nokhwa at the requested (or the closest) format.
pub struct NokhwaCamera {
    settings: CameraSettings,
    camera: Option<Camera>,
}

impl NokhwaCamera {
    pub fn new(settings: CameraSettings) -> Self {
        Self {
            settings,
            camera: None,
        }
    }
}

impl CameraDevice for NokhwaCamera {
    fn open(&mut self) -> Result<(), CameraFault> {
        self.close();
        let index = resolve_index(&self.settings.selector)?;
        let wanted = CameraFormat::new(
            Resolution::new(self.settings.width, self.settings.height),
            FrameFormat::MJPEG,
            self.settings.fps,
        );
        let mut camera = Camera::new(
            CameraIndex::Index(index),
            RequestedFormat::new::<RgbFormat>(RequestedFormatType::Closest(wanted)),
        )
        .map_err(|error| fault_of(&error))?;
        camera.open_stream().map_err(|error| fault_of(&error))?;
        self.camera = Some(camera);
        Ok(())
    }

    fn grab(&mut self) -> Result<RgbImage, CameraFault> {
        let camera = self
            .camera
            .as_mut()
            .ok_or_else(|| CameraFault::Other("the camera is not open".to_string()))?;
        let buffer = camera.frame().map_err(|error| fault_of(&error))?;
        buffer
            .decode_image::<RgbFormat>()
            .map_err(|error| fault_of(&error))
    }

    fn skip(&mut self) -> Result<(), CameraFault> {
        let camera = self
            .camera
            .as_mut()
            .ok_or_else(|| CameraFault::Other("the camera is not open".to_string()))?;
        camera.frame().map(|_| ()).map_err(|error| fault_of(&error))
    }

    fn close(&mut self) {
        if let Some(mut camera) = self.camera.take() {
            // Stopping can fail on an unplugged camera; dropping it releases the device anyway.
            let _ = camera.stop_stream();
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} at {}x{} {} fps",
            self.settings.selector, self.settings.width, self.settings.height, self.settings.fps
        )
    }
}

impl Drop for NokhwaCamera {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use nokhwa::Buffer;
    use nokhwa::pixel_format::RgbFormat;
    use nokhwa::utils::{FrameFormat, Resolution};

    #[test]
    fn yuyv_frames_decode_to_rgb() {
        // Two pixels of mid grey in YUYV (Y0 U Y1 V): Y = 128, U = V = 128 (no colour).
        let bytes = [128u8, 128, 128, 128].repeat(2 * 2 / 2);
        let buffer = Buffer::new(Resolution::new(2, 2), &bytes, FrameFormat::YUYV);
        let image = buffer.decode_image::<RgbFormat>().expect("decodes");
        assert_eq!(image.dimensions(), (2, 2));
        for pixel in image.pixels() {
            for &channel in &pixel.0 {
                assert!((120..=136).contains(&channel), "{pixel:?}");
            }
        }
    }

    #[test]
    fn mjpeg_frames_decode_to_rgb() {
        let mut jpeg = Vec::new();
        let source = image::RgbImage::from_pixel(16, 8, image::Rgb([200, 30, 30]));
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
            .encode_image(&source)
            .expect("encodes");
        let buffer = Buffer::new(Resolution::new(16, 8), &jpeg, FrameFormat::MJPEG);
        let image = buffer.decode_image::<RgbFormat>().expect("decodes");
        let pixel = image.get_pixel(8, 4).0;
        assert!(
            pixel[0] > 170 && pixel[1] < 70 && pixel[2] < 70,
            "{pixel:?}"
        );
    }

    #[test]
    fn listing_cameras_on_a_machine_without_one_is_not_an_error() {
        // CI machines have no camera: the list is empty, not a crash.
        assert!(super::list_devices(true).is_ok());
    }
}
