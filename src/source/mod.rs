//! Frame sources (temporary: images only, until the video decoder lands).

use std::path::Path;

pub struct Frame {
    pub image: image::RgbImage,
    pub time_s: f64,
    pub index: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: {reason}")]
    Unreadable { path: String, reason: String },
}

pub trait FrameSource: Send {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError>;
    fn describe(&self) -> String;
    fn skipped_frames(&self) -> u64 {
        0
    }
    fn frame_count_hint(&self) -> Option<u64> {
        None
    }
    fn is_live(&self) -> bool {
        false
    }
    fn is_video(&self) -> bool {
        false
    }
}

struct Still {
    image: Option<image::RgbImage>,
    name: String,
}

impl FrameSource for Still {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        Ok(self.image.take().map(|image| Frame {
            image,
            time_s: 0.0,
            index: 0,
        }))
    }
    fn describe(&self) -> String {
        self.name.clone()
    }
    fn frame_count_hint(&self) -> Option<u64> {
        Some(1)
    }
}

pub fn open_path(path: &Path, _fps: f64) -> Result<Box<dyn FrameSource>, SourceError> {
    let image = image::open(path)
        .map_err(|error| SourceError::Unreadable {
            path: path.display().to_string(),
            reason: error.to_string(),
        })?
        .to_rgb8();
    Ok(Box::new(Still {
        image: Some(image),
        name: path.display().to_string(),
    }))
}
