//! Frame sources for the pose engine: one still image, a directory of images, or a video file,
//! each yielding RGB frames with timestamps through the [`FrameSource`] trait.
//!
//! [`open_path`] picks the right source for a path. Frames stay in memory: no source ever writes
//! a decoded frame anywhere.

mod images;
mod video;

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

pub use images::{DirectorySource, ImageSource, MAX_IMAGE_BYTES, MAX_IMAGE_SIDE};
pub use video::VideoSource;

/// Frame rate given to image directories when the user asks for none: one image a second.
pub const DEFAULT_IMAGE_FPS: f64 = 1.0;

/// How to fix a file that plumbline cannot read, appended to the errors that concern one.
const CONVERT_HINT: &str = "convert it to MP4/H.264, e.g. with ffmpeg -i IN OUT.mp4";

/// One decoded frame.
#[derive(Clone, Debug)]
pub struct Frame {
    /// The picture, 8-bit RGB, row-major, top row first.
    pub image: image::RgbImage,
    /// When the frame was shown, in seconds since the source's first frame (see each source).
    pub time_s: f64,
    /// Position of the frame among the frames this source has delivered, from 0.
    pub index: u64,
}

/// Something that yields frames one at a time: a still image, an image directory, a video.
pub trait FrameSource: Send {
    /// The next frame, `Ok(None)` at the end of the input.
    ///
    /// A recoverable bad frame (a corrupt packet in a video, an unreadable file in an image
    /// directory) is skipped and counted in [`FrameSource::skipped_frames`], not returned as an
    /// error. An `Err` means the source cannot go on.
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError>;

    /// A short human description, e.g. `video clip.mp4 (h264 176×144, 29.97 fps)`.
    fn describe(&self) -> String;

    /// How many frames were skipped so far because they could not be decoded.
    fn skipped_frames(&self) -> u64 {
        0
    }

    /// How many frames the source expects to deliver in all, if it knows (may be an estimate).
    fn frame_count_hint(&self) -> Option<u64> {
        None
    }

    /// Whether frames come in real time (a camera) rather than from a file.
    fn is_live(&self) -> bool {
        false
    }

    /// Once the source has ended: why it gave fewer frames than it announced, if it did (a
    /// truncated video), in words for the user.
    fn ended_early(&self) -> Option<String> {
        None
    }

    /// Whether the frames are consecutive pictures of a video (so tracking across frames makes
    /// sense), rather than independent stills.
    fn is_video(&self) -> bool {
        false
    }
}

/// Why a source could not be opened or could not go on. Each message names the file, the reason
/// and what the user can do about it.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The path does not exist.
    #[error("{}: no such file or directory; check the path", .path.display())]
    NotFound {
        /// The path asked for.
        path: PathBuf,
    },

    /// The path exists but could not be read (permissions, I/O error).
    #[error("{}: cannot read it ({source}); check that it exists and is readable", .path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },

    /// Neither an image nor a video FFmpeg could open.
    #[error("{}: not a video or image plumbline can read ({reason}); {CONVERT_HINT}", .path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What FFmpeg or the image decoder said.
        reason: String,
    },

    /// FFmpeg could not open the file as any media it knows.
    #[error("{}: not a video or image plumbline can read ({source}); {CONVERT_HINT}", .path.display())]
    NotMedia {
        /// The file.
        path: PathBuf,
        /// What FFmpeg said.
        #[source]
        source: ffmpeg_next::Error,
    },

    /// A media file without any video stream (e.g. audio only).
    #[error("{}: has no video stream ({reason}); use a file with video, or {CONVERT_HINT}", .path.display())]
    NoVideoStream {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        reason: String,
    },

    /// The video stream uses a codec this FFmpeg build cannot decode.
    #[error("{}: video codec {codec} cannot be decoded here ({reason}); {CONVERT_HINT}", .path.display())]
    UnsupportedCodec {
        /// The file.
        path: PathBuf,
        /// FFmpeg's name of the codec.
        codec: String,
        /// What FFmpeg said.
        reason: String,
    },

    /// The video opened but not a single frame of it could be decoded.
    #[error(
        "{}: no frame could be decoded (the file may be truncated or corrupt{}); {CONVERT_HINT}",
        .path.display(),
        .reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default()
    )]
    NoFrames {
        /// The file.
        path: PathBuf,
        /// The last error seen, if any.
        reason: Option<String>,
    },

    /// An image file that sniffs as an image but cannot be decoded.
    #[error("{}: cannot decode this image ({reason}); re-save it as PNG or JPEG", .path.display())]
    BadImage {
        /// The file.
        path: PathBuf,
        /// What the image decoder said.
        reason: String,
    },

    /// An image larger than the decompression-bomb guard allows.
    #[error(
        "{}: image too large ({reason}); plumbline reads images up to {MAX_IMAGE_SIDE} pixels a \
         side and {} MiB decoded, so scale it down first",
        .path.display(),
        MAX_IMAGE_BYTES / (1024 * 1024)
    )]
    ImageTooLarge {
        /// The file.
        path: PathBuf,
        /// The size found or the limit hit.
        reason: String,
    },

    /// A directory with no image file in it.
    #[error(
        "{}: no image files in this directory (looked for JPEG, PNG, BMP, WebP, TIFF and GIF; \
         hidden files are ignored); point plumbline at a directory of images or at a video",
        .path.display()
    )]
    NoImages {
        /// The directory.
        path: PathBuf,
    },

    /// A directory whose image files all failed to decode.
    #[error(
        "{}: none of its {count} image files could be decoded (last error: {reason}); \
         re-save them as PNG or JPEG",
        .path.display()
    )]
    NoReadableImages {
        /// The directory.
        path: PathBuf,
        /// How many image files were tried.
        count: u64,
        /// The last decoder error.
        reason: String,
    },

    /// The decoder failed in a way that stops the whole video (not one bad frame).
    #[error("{}: video decoding failed ({reason}); {CONVERT_HINT}", .path.display())]
    Decode {
        /// The file.
        path: PathBuf,
        /// What failed.
        reason: String,
    },

    /// The frame rate asked for an image directory is not a positive finite number.
    #[error("image frame rate must be a positive number of frames per second, got {fps}")]
    InvalidFps {
        /// The rate given.
        fps: f64,
    },
}

/// How a path will be read, from the file system and the file's first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PathKind {
    Directory,
    Image,
    Video,
}

/// Opens the right source for `path`: a directory becomes a [`DirectorySource`] played at
/// `fps_for_images` frames a second, a file whose content is an image this build can decode
/// becomes an [`ImageSource`], and anything else is opened as a video with FFmpeg
/// ([`VideoSource`]). The file's content decides, not its extension.
pub fn open_path(path: &Path, fps_for_images: f64) -> Result<Box<dyn FrameSource>, SourceError> {
    match classify(path)? {
        PathKind::Directory => Ok(Box::new(DirectorySource::open(path, fps_for_images)?)),
        PathKind::Image => Ok(Box::new(ImageSource::open(path)?)),
        PathKind::Video => Ok(Box::new(VideoSource::open(path)?)),
    }
}

fn classify(path: &Path) -> Result<PathKind, SourceError> {
    let metadata = std::fs::metadata(path).map_err(|source| io_error(path, source))?;
    if metadata.is_dir() {
        return Ok(PathKind::Directory);
    }
    let is_image = sniff_image_format(path)
        .map_err(|source| io_error(path, source))?
        .is_some();
    if !is_image && let Some(format) = image_format_named_by(path) {
        // Named like an image but not one inside: say so, rather than treat it as a video.
        return Err(SourceError::BadImage {
            path: path.to_path_buf(),
            reason: format!(
                "its name says {format}, but its content is not a {format} or any image \
                 plumbline reads"
            ),
        });
    }
    Ok(if is_image {
        PathKind::Image
    } else {
        PathKind::Video
    })
}

/// The image format a file's extension names (`.jpg` → JPEG), if it names one.
fn image_format_named_by(path: &Path) -> Option<String> {
    let format = image::ImageFormat::from_path(path).ok()?;
    format
        .reading_enabled()
        .then(|| format!("{format:?}").to_uppercase())
}

/// The image format the file's first bytes announce, if it is one this build can decode.
pub(crate) fn sniff_image_format(path: &Path) -> io::Result<Option<image::ImageFormat>> {
    let mut head = [0u8; 64];
    let mut len = 0;
    let mut file = File::open(path)?;
    while len < head.len() {
        match file.read(&mut head[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(image::guess_format(&head[..len])
        .ok()
        .filter(image::ImageFormat::reading_enabled))
}

/// Maps an I/O error on `path` to [`SourceError::NotFound`] or [`SourceError::Io`].
pub(crate) fn io_error(path: &Path, source: io::Error) -> SourceError {
    if source.kind() == io::ErrorKind::NotFound {
        SourceError::NotFound {
            path: path.to_path_buf(),
        }
    } else {
        SourceError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    }

    #[test]
    fn classify_by_content_not_extension() {
        let dir = tempfile::tempdir().unwrap();
        // A JPEG named .mp4 is still an image; a text file named .png is not one, and is
        // called a bad image rather than tried as a video.
        let jpeg_as_mp4 = dir.path().join("photo.mp4");
        std::fs::copy(fixture("grace_hopper.jpg"), &jpeg_as_mp4).unwrap();
        assert_eq!(classify(&jpeg_as_mp4).unwrap(), PathKind::Image);
        let text_as_png = dir.path().join("notes.png");
        std::fs::write(&text_as_png, "just some text\n").unwrap();
        let err = classify(&text_as_png).unwrap_err();
        assert!(matches!(err, SourceError::BadImage { .. }), "{err:?}");
        assert!(err.to_string().contains("its name says PNG"), "{err}");
        assert_eq!(classify(dir.path()).unwrap(), PathKind::Directory);
        assert_eq!(classify(&fixture("carphone.mp4")).unwrap(), PathKind::Video);
    }

    #[test]
    fn missing_path_is_not_found() {
        let missing = Path::new("/nonexistent/plumbline/clip.mp4");
        let err = open_path(missing, DEFAULT_IMAGE_FPS).err().unwrap();
        assert!(matches!(err, SourceError::NotFound { .. }), "{err:?}");
        let message = err.to_string();
        assert!(
            message.contains("/nonexistent/plumbline/clip.mp4"),
            "{message}"
        );
        assert!(message.contains("no such file"), "{message}");
    }

    #[test]
    fn text_file_named_mp4_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("fake.mp4");
        std::fs::write(&fake, "this is not a video, just text\n".repeat(20)).unwrap();
        let err = open_path(&fake, DEFAULT_IMAGE_FPS).err().unwrap();
        let message = err.to_string();
        assert!(matches!(err, SourceError::NotMedia { .. }), "{err:?}");
        // FFmpeg's own error is kept as the source, not only as text.
        assert!(std::error::Error::source(&err).is_some());
        assert!(message.contains("fake.mp4"), "{message}");
        assert!(message.contains("not a video or image"), "{message}");
        assert!(message.contains("ffmpeg -i IN OUT.mp4"), "{message}");
    }

    #[test]
    fn empty_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.avi");
        std::fs::write(&empty, b"").unwrap();
        let err = open_path(&empty, DEFAULT_IMAGE_FPS).err().unwrap();
        assert!(err.to_string().contains("empty.avi"), "{err}");
    }

    #[test]
    fn open_path_dispatches() {
        let image = open_path(&fixture("grace_hopper.jpg"), DEFAULT_IMAGE_FPS).unwrap();
        assert!(
            image.describe().starts_with("image "),
            "{}",
            image.describe()
        );
        assert!(!image.is_video());
        let video = open_path(&fixture("carphone.mp4"), DEFAULT_IMAGE_FPS).unwrap();
        assert!(
            video.describe().starts_with("video "),
            "{}",
            video.describe()
        );
        assert!(video.is_video());
        assert!(!video.is_live());
    }

    #[test]
    fn sources_are_send() {
        fn assert_send<T: Send>() {}
        assert_send::<Box<dyn FrameSource>>();
        assert_send::<VideoSource>();
        assert_send::<ImageSource>();
        assert_send::<DirectorySource>();
    }
}
