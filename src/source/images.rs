//! Still-image frame sources: one image file, or a directory of images played as a sequence.
//!
//! Any format the `image` crate is built with here decodes (JPEG, PNG, BMP, WebP, TIFF, GIF; for
//! an animated GIF only the first frame). The file's content decides the format, with the
//! extension as a fallback. EXIF orientation (phone photos) is applied. Images larger than
//! [`MAX_IMAGE_SIDE`] pixels a side or [`MAX_IMAGE_BYTES`] decoded are refused before any pixel
//! buffer is allocated, so a decompression bomb gives an error rather than exhausting memory.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, Limits, RgbImage};

use super::{Frame, FrameSource, SourceError, io_error, sniff_image_format};

/// Largest width or height accepted, in pixels. Generous for photos (a 50 MP phone photo is about
/// 8200×6200), small enough to stop bombs.
pub const MAX_IMAGE_SIDE: u32 = 16_384;

/// Most memory one decoded image may take, in bytes (decoder output and the RGB copy each).
pub const MAX_IMAGE_BYTES: u64 = 512 * 1024 * 1024;

/// One still image, delivered once as frame 0 at time 0.
pub struct ImageSource {
    path: PathBuf,
    width: u32,
    height: u32,
    image: Option<RgbImage>,
}

impl ImageSource {
    /// Decodes the image at `path` now, so that a bad file fails here rather than later.
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        let image = load_image(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            width: image.width(),
            height: image.height(),
            image: Some(image),
        })
    }
}

impl FrameSource for ImageSource {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        Ok(self.image.take().map(|image| Frame {
            image,
            time_s: 0.0,
            index: 0,
        }))
    }

    fn describe(&self) -> String {
        format!(
            "image {} ({}×{})",
            self.path.display(),
            self.width,
            self.height
        )
    }

    fn frame_count_hint(&self) -> Option<u64> {
        Some(1)
    }
}

/// The images of one directory, in byte order of their file names, played at a fixed rate.
///
/// Which files count: regular files (or links to them) whose name does not start with a dot and
/// whose content sniffs as an image or whose extension names an image format. Other files, such
/// as a README, are ignored silently, and so are subdirectories.
///
/// Timing: the file at position `p` of that sorted list is shown at `p / fps` seconds. A file that
/// fails to decode is skipped and counted in [`FrameSource::skipped_frames`], not fatal; its time
/// slot stays empty, as a dropped frame in a video would. [`Frame::index`] counts the frames
/// actually delivered. If every file fails, the first call to `next_frame` that reaches the end
/// returns [`SourceError::NoReadableImages`].
pub struct DirectorySource {
    dir: PathBuf,
    files: Vec<PathBuf>,
    fps: f64,
    next_position: usize,
    delivered: u64,
    skipped: u64,
    last_error: Option<String>,
    finished: bool,
}

impl DirectorySource {
    /// Lists the images of `dir`; errors if the rate is not positive or there is no image.
    pub fn open(dir: &Path, fps: f64) -> Result<Self, SourceError> {
        if !(fps.is_finite() && fps > 0.0) {
            return Err(SourceError::InvalidFps { fps });
        }
        let entries = fs::read_dir(dir).map_err(|source| io_error(dir, source))?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| io_error(dir, source))?;
            let path = entry.path();
            if is_hidden(&entry.file_name()) || !is_image_file(&path) {
                continue;
            }
            files.push(path);
        }
        if files.is_empty() {
            return Err(SourceError::NoImages {
                path: dir.to_path_buf(),
            });
        }
        // OsStr orders by bytes on Unix: "10.png" comes before "2.png".
        files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        Ok(Self {
            dir: dir.to_path_buf(),
            files,
            fps,
            next_position: 0,
            delivered: 0,
            skipped: 0,
            last_error: None,
            finished: false,
        })
    }
}

impl FrameSource for DirectorySource {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        while let Some(path) = self.files.get(self.next_position) {
            let position = self.next_position;
            self.next_position += 1;
            match load_image(path) {
                Ok(image) => {
                    let frame = Frame {
                        image,
                        time_s: position as f64 / self.fps,
                        index: self.delivered,
                    };
                    self.delivered += 1;
                    return Ok(Some(frame));
                }
                Err(error) => {
                    self.skipped += 1;
                    self.last_error = Some(error.to_string());
                }
            }
        }
        if !self.finished && self.delivered == 0 {
            self.finished = true;
            return Err(SourceError::NoReadableImages {
                path: self.dir.clone(),
                count: self.files.len() as u64,
                reason: self.last_error.clone().unwrap_or_default(),
            });
        }
        self.finished = true;
        Ok(None)
    }

    fn describe(&self) -> String {
        format!(
            "image directory {} ({} images at {} fps)",
            self.dir.display(),
            self.files.len(),
            self.fps
        )
    }

    fn skipped_frames(&self) -> u64 {
        self.skipped
    }

    fn frame_count_hint(&self) -> Option<u64> {
        Some(self.files.len() as u64)
    }
}

fn is_hidden(name: &OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// Whether a directory entry should be played: a regular file that is an image by content or, if
/// it cannot be sniffed as one, by extension (so that a broken `.jpg` is counted as skipped).
fn is_image_file(path: &Path) -> bool {
    if !fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    if matches!(sniff_image_format(path), Ok(Some(_))) {
        return true;
    }
    path.extension()
        .and_then(image::ImageFormat::from_extension)
        .is_some_and(|format| format.reading_enabled())
}

/// Decodes one image file to RGB, applying its EXIF orientation, within the size guard.
pub(crate) fn load_image(path: &Path) -> Result<RgbImage, SourceError> {
    let mut reader = ImageReader::open(path)
        .and_then(ImageReader::with_guessed_format)
        .map_err(|source| io_error(path, source))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_BYTES);
    reader.limits(limits);

    let mut decoder = reader
        .into_decoder()
        .map_err(|error| image_error(path, error))?;
    let (width, height) = decoder.dimensions();
    let rgb_bytes = u64::from(width) * u64::from(height) * 3;
    if decoder.total_bytes() > MAX_IMAGE_BYTES || rgb_bytes > MAX_IMAGE_BYTES {
        return Err(SourceError::ImageTooLarge {
            path: path.to_path_buf(),
            reason: format!("{width}×{height} pixels"),
        });
    }
    // A broken EXIF block is no reason to refuse the picture: show it as stored.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image =
        DynamicImage::from_decoder(decoder).map_err(|error| image_error(path, error))?;
    image.apply_orientation(orientation);
    Ok(image.into_rgb8())
}

fn image_error(path: &Path, error: ImageError) -> SourceError {
    match error {
        ImageError::Limits(limit) => SourceError::ImageTooLarge {
            path: path.to_path_buf(),
            reason: limit.to_string(),
        },
        ImageError::IoError(source) => io_error(path, source),
        other => SourceError::BadImage {
            path: path.to_path_buf(),
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRACE_HOPPER: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/grace_hopper.jpg"
    );

    fn write_png(path: &Path, width: u32, height: u32, rgb: [u8; 3]) {
        RgbImage::from_pixel(width, height, image::Rgb(rgb))
            .save(path)
            .unwrap();
    }

    /// The CRC-32 that PNG chunks carry.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A PNG that claims to be `width`×`height` RGB but carries no pixel data: what a
    /// decompression bomb looks like to the header reader.
    fn png_header_only(width: u32, height: u32) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = b"IHDR".to_vec();
        chunk.extend_from_slice(&width.to_be_bytes());
        chunk.extend_from_slice(&height.to_be_bytes());
        chunk.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc32(&chunk).to_be_bytes());
        // The header is only complete once the first IDAT chunk starts: give it a token one.
        for (kind, data) in [
            (&b"IDAT"[..], &[0x78u8, 0x9c, 0x03, 0x00][..]),
            (b"IEND", &[]),
        ] {
            let mut chunk = kind.to_vec();
            chunk.extend_from_slice(data);
            png.extend_from_slice(&(data.len() as u32).to_be_bytes());
            png.extend_from_slice(&chunk);
            png.extend_from_slice(&crc32(&chunk).to_be_bytes());
        }
        png
    }

    #[test]
    fn crc32_matches_the_png_reference() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn jpeg_loads_with_right_size_and_pixels() {
        let mut source = ImageSource::open(Path::new(GRACE_HOPPER)).unwrap();
        assert_eq!(source.frame_count_hint(), Some(1));
        assert!(
            source.describe().contains("512×600"),
            "{}",
            source.describe()
        );
        let frame = source.next_frame().unwrap().unwrap();
        assert_eq!(frame.image.dimensions(), (512, 600));
        assert_eq!(frame.time_s, 0.0);
        assert_eq!(frame.index, 0);
        assert!(source.next_frame().unwrap().is_none());

        // Reference values from `ffmpeg -i grace_hopper.jpg -pix_fmt rgb24`: JPEG decoders may
        // differ by a few levels in upsampling and rounding.
        let mean: Vec<f64> = (0..3)
            .map(|c| {
                frame.image.pixels().map(|p| f64::from(p[c])).sum::<f64>() / f64::from(512 * 600)
            })
            .collect();
        for (got, want) in mean.iter().zip([82.0, 71.45, 85.87]) {
            assert!((got - want).abs() < 1.0, "mean {mean:?}");
        }
        for ((x, y), want) in [((0, 0), [20, 23, 76]), ((256, 300), [214, 136, 102])] {
            let got = frame.image.get_pixel(x, y).0;
            for c in 0..3 {
                assert!(
                    got[c].abs_diff(want[c]) <= 8,
                    "({x},{y}) {got:?} vs {want:?}"
                );
            }
        }
    }

    #[test]
    fn tiny_image_works() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tiny.png");
        write_png(&path, 8, 8, [10, 200, 30]);
        let mut source = ImageSource::open(&path).unwrap();
        let frame = source.next_frame().unwrap().unwrap();
        assert_eq!(frame.image.dimensions(), (8, 8));
        assert_eq!(frame.image.get_pixel(7, 7).0, [10, 200, 30]);
    }

    #[test]
    fn exif_orientation_is_applied() {
        // A 16×8 JPEG whose EXIF says "rotate 90° clockwise to display", as phones write it.
        let picture = RgbImage::from_fn(16, 8, |x, _| {
            if x < 8 {
                image::Rgb([250, 0, 0])
            } else {
                image::Rgb([0, 0, 250])
            }
        });
        let mut jpeg = Vec::new();
        picture
            .write_to(
                &mut std::io::Cursor::new(&mut jpeg),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec(); // big-endian TIFF header, IFD at 8
        tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation = 6
        tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
        let mut app1 = vec![0xFF, 0xE1];
        app1.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
        app1.extend_from_slice(b"Exif\0\0");
        app1.extend_from_slice(&tiff);
        jpeg.splice(2..2, app1); // right after SOI

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("phone.jpg");
        fs::write(&path, jpeg).unwrap();
        let frame = ImageSource::open(&path)
            .unwrap()
            .next_frame()
            .unwrap()
            .unwrap();
        assert_eq!(frame.image.dimensions(), (8, 16));
        // The left (red) half is now on top.
        assert!(
            frame.image.get_pixel(4, 2)[0] > 200,
            "{:?}",
            frame.image.get_pixel(4, 2)
        );
        assert!(
            frame.image.get_pixel(4, 13)[2] > 200,
            "{:?}",
            frame.image.get_pixel(4, 13)
        );
    }

    #[test]
    fn each_enabled_format_decodes() {
        let dir = tempfile::tempdir().unwrap();
        let picture = RgbImage::from_fn(16, 12, |x, y| {
            image::Rgb([(x * 15) as u8, (y * 20) as u8, 99])
        });
        for extension in ["png", "bmp", "tiff", "gif", "webp", "jpg"] {
            let path = dir.path().join(format!("picture.{extension}"));
            picture.save(&path).unwrap();
            let mut source =
                ImageSource::open(&path).unwrap_or_else(|e| panic!("{extension}: {e}"));
            let frame = source.next_frame().unwrap().unwrap();
            assert_eq!(frame.image.dimensions(), (16, 12), "{extension}");
        }
    }

    #[test]
    fn directory_plays_in_byte_order_at_fps() {
        let dir = tempfile::tempdir().unwrap();
        write_png(&dir.path().join("b.png"), 8, 8, [2, 2, 2]);
        write_png(&dir.path().join("a.png"), 8, 8, [1, 1, 1]);
        write_png(&dir.path().join("10.png"), 8, 8, [10, 10, 10]);
        write_png(&dir.path().join("2.png"), 8, 8, [20, 20, 20]);
        write_png(&dir.path().join(".hidden.png"), 8, 8, [99, 99, 99]);
        fs::copy(GRACE_HOPPER, dir.path().join("c_photo")).unwrap(); // no extension, sniffed
        fs::write(dir.path().join("README"), "not an image").unwrap();
        fs::write(dir.path().join("notes.txt"), "not an image either").unwrap();
        fs::create_dir(dir.path().join("sub.png")).unwrap();

        let mut source = DirectorySource::open(dir.path(), 2.0).unwrap();
        assert_eq!(source.frame_count_hint(), Some(5));
        let mut frames = Vec::new();
        while let Some(frame) = source.next_frame().unwrap() {
            frames.push(frame);
        }
        let firsts: Vec<u8> = frames.iter().map(|f| f.image.get_pixel(0, 0)[0]).collect();
        assert_eq!(&firsts[..4], &[10, 20, 1, 2]);
        assert_eq!(frames[4].image.dimensions(), (512, 600));
        let times: Vec<f64> = frames.iter().map(|f| f.time_s).collect();
        assert_eq!(times, vec![0.0, 0.5, 1.0, 1.5, 2.0]);
        let indices: Vec<u64> = frames.iter().map(|f| f.index).collect();
        assert_eq!(indices, vec![0, 1, 2, 3, 4]);
        assert_eq!(source.skipped_frames(), 0);
        assert!(source.next_frame().unwrap().is_none());
    }

    #[test]
    fn unreadable_image_in_directory_is_skipped_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        write_png(&dir.path().join("1.png"), 8, 8, [1, 1, 1]);
        fs::write(dir.path().join("2.jpg"), "garbage, not a JPEG").unwrap();
        let mut truncated = fs::read(GRACE_HOPPER).unwrap();
        truncated.truncate(200);
        fs::write(dir.path().join("3.jpg"), truncated).unwrap();
        write_png(&dir.path().join("4.png"), 8, 8, [4, 4, 4]);

        let mut source = DirectorySource::open(dir.path(), 1.0).unwrap();
        let first = source.next_frame().unwrap().unwrap();
        let second = source.next_frame().unwrap().unwrap();
        assert!(source.next_frame().unwrap().is_none());
        assert_eq!((first.index, first.time_s), (0, 0.0));
        assert_eq!((second.index, second.time_s), (1, 3.0));
        assert_eq!(second.image.get_pixel(0, 0)[0], 4);
        assert_eq!(source.skipped_frames(), 2);
    }

    #[test]
    fn directory_without_images_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("README"), "nothing to see").unwrap();
        write_png(&dir.path().join(".hidden.png"), 8, 8, [0, 0, 0]);
        let err = DirectorySource::open(dir.path(), 1.0).err().unwrap();
        assert!(matches!(err, SourceError::NoImages { .. }), "{err:?}");
        assert!(err.to_string().contains(&dir.path().display().to_string()));
    }

    #[test]
    fn directory_of_only_broken_images_is_an_error_once() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.jpg"), "not a jpeg").unwrap();
        fs::write(dir.path().join("b.png"), "not a png").unwrap();
        let mut source = DirectorySource::open(dir.path(), 1.0).unwrap();
        let err = source.next_frame().err().unwrap();
        assert!(
            matches!(err, SourceError::NoReadableImages { count: 2, .. }),
            "{err:?}"
        );
        assert!(source.next_frame().unwrap().is_none());
        assert_eq!(source.skipped_frames(), 2);
    }

    #[test]
    fn bad_fps_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        write_png(&dir.path().join("a.png"), 8, 8, [0, 0, 0]);
        for fps in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let err = DirectorySource::open(dir.path(), fps).err().unwrap();
            assert!(matches!(err, SourceError::InvalidFps { .. }), "{err:?}");
        }
    }

    #[test]
    fn decompression_bombs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        // Over the side limit, and within it but over the memory limit (16000² RGB = 732 MiB).
        for (width, height) in [(100_000, 100_000), (16_000, 16_000)] {
            let path = dir.path().join(format!("bomb_{width}.png"));
            fs::write(&path, png_header_only(width, height)).unwrap();
            let err = ImageSource::open(&path).err().unwrap();
            assert!(
                matches!(err, SourceError::ImageTooLarge { .. }),
                "{width}: {err:?}"
            );
            let message = err.to_string();
            assert!(message.contains(&format!("bomb_{width}.png")), "{message}");
            assert!(message.contains("too large"), "{message}");
        }
    }

    #[test]
    fn large_photo_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.jpg");
        // Built row by row with memcpy: a per-pixel closure is slow in unoptimised test builds.
        let row: Vec<u8> = (0..8000u32)
            .flat_map(|x| [(x / 32) as u8, (x % 256) as u8, 128])
            .collect();
        let picture = RgbImage::from_raw(8000, 6000, row.repeat(6000)).unwrap();
        picture.save(&path).unwrap();
        drop(picture);
        let mut source = ImageSource::open(&path).unwrap();
        let frame = source.next_frame().unwrap().unwrap();
        assert_eq!(frame.image.dimensions(), (8000, 6000));
    }
}
