//! Video file frame source: demuxes and decodes with FFmpeg (through `ffmpeg-next`) and converts
//! each picture to 8-bit RGB with swscale, in memory only.
//!
//! Any container and codec the system's FFmpeg libraries handle works, among them MP4/H.264,
//! MPEG-4 part 2, MKV and WebM with VP8/VP9, and AVI. The first call silences FFmpeg's own log
//! output for the whole process, so the decoder never writes to stderr.
//!
//! Timestamps come from the container: each frame's `best_effort_timestamp` times the stream's
//! time base, taken relative to the first decoded frame, so the first frame is always at 0.0 s
//! whatever start time the container declares. They never go backwards: a frame without a
//! timestamp, or with one not after the previous frame's, is placed one nominal frame interval
//! after the previous frame.
//!
//! Damage is tolerated: a packet the demuxer or decoder rejects, and a picture the decoder flags
//! as damaged (it had to conceal errors or lacked a reference), is skipped and counted in
//! [`FrameSource::skipped_frames`]. Should more than [`MAX_DAMAGED_IN_A_ROW`] pictures in a row be
//! flagged, they are delivered after all until a clean one comes, since a damaged picture beats
//! none. Frames a decoder drops without saying so cannot be counted. A truncated file yields the
//! frames that are there and then ends. Only a file from which no frame at all decodes is an
//! error ([`SourceError::NoFrames`]); [`VideoSource::open`] decodes the first frame to find out.

use std::path::{Path, PathBuf};
use std::sync::Once;

use ffmpeg::format::Pixel;
use ffmpeg::software::scaling;
use ffmpeg::{Rational, codec, decoder, format, frame, media};
use ffmpeg_next as ffmpeg;
use image::RgbImage;

use super::{Frame, FrameSource, SourceError, io_error};

/// After this many read or decode errors in a row, with no frame in between, the rest of the file
/// is taken to be unreadable and the source ends.
const MAX_CONSECUTIVE_ERRORS: u32 = 256;

/// How many decoder-flagged damaged pictures in a row are skipped before they are shown anyway.
pub const MAX_DAMAGED_IN_A_ROW: u32 = 30;

/// Largest video picture width or height accepted: 8K is 7680×4320. Each frame becomes an RGB
/// buffer, so a file claiming a huge size is refused rather than allowed to exhaust memory.
pub const MAX_VIDEO_SIDE: u32 = 8192;

/// Frame interval assumed when the stream declares no frame rate.
const FALLBACK_FRAME_INTERVAL_S: f64 = 1.0 / 30.0;

/// A video file decoded frame by frame.
pub struct VideoSource {
    path: PathBuf,
    input: format::context::Input,
    decoder: decoder::Video,
    stream_index: usize,
    /// Seconds per tick of the stream's time base.
    seconds_per_tick: f64,
    frame_interval_s: f64,
    frame_count_hint: Option<u64>,
    description: String,
    /// The packet last read (replaced for every read, which releases the previous one).
    packet: ffmpeg::Packet,
    /// Reused for every decoded picture.
    decoded: frame::Video,
    /// Reused RGB24 output of the scaler.
    rgb: frame::Video,
    /// Built for the first picture, rebuilt only if the picture size or format changes.
    scaler: Option<Scaler>,
    first_timestamp: Option<i64>,
    last_time_s: Option<f64>,
    delivered: u64,
    skipped: u64,
    consecutive_errors: u32,
    damaged_in_a_row: u32,
    last_error: Option<String>,
    state: State,
    /// The first frame, decoded by `open` to prove the file plays, until it is asked for.
    pending: Option<Frame>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Reading packets from the file.
    Reading,
    /// End of file sent to the decoder; collecting its buffered frames.
    Draining,
    /// Nothing more to give.
    Finished,
}

/// The swscale context, movable to another thread.
struct Scaler(scaling::Context);

// SAFETY: an SwsContext has no thread affinity; it is only unsafe to use from two threads at
// once. `Scaler` is owned by exactly one `VideoSource` and used only through `&mut self`, so it
// is never shared, only moved along with its owner.
#[allow(unsafe_code)]
unsafe impl Send for Scaler {}

/// Sets FFmpeg up once per process and silences its log output.
fn init_ffmpeg() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        // init() only registers things on FFmpeg < 5 and cannot fail on newer versions; if it
        // did, opening the file would fail right after with a clear error.
        let _ = ffmpeg::init();
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Quiet);
    });
}

impl VideoSource {
    /// Opens `path` with FFmpeg, prepares a decoder for its best video stream and decodes the
    /// first frame, so that a file with nothing playable fails here rather than later.
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        init_ffmpeg();
        // Check readability first so a missing file says so instead of FFmpeg's wording.
        std::fs::File::open(path).map_err(|source| io_error(path, source))?;

        // FFmpeg takes a URL: the `file:` prefix keeps a name like `http:x` or `concat:a|b` a
        // local file, so opening a file can never reach the network or another protocol.
        let utf8_path = path.to_str().ok_or_else(|| SourceError::Unreadable {
            path: path.to_path_buf(),
            reason: "FFmpeg needs a UTF-8 path; rename the file".to_owned(),
        })?;
        let url = format!("file:{utf8_path}");
        let input = format::input(&url).map_err(|source| SourceError::NotMedia {
            path: path.to_path_buf(),
            source,
        })?;
        let stream =
            input
                .streams()
                .best(media::Type::Video)
                .ok_or_else(|| SourceError::NoVideoStream {
                    path: path.to_path_buf(),
                    reason: describe_streams(&input),
                })?;
        if stream
            .disposition()
            .contains(format::stream::Disposition::ATTACHED_PIC)
        {
            return Err(SourceError::NoVideoStream {
                path: path.to_path_buf(),
                reason: "only a cover picture".to_owned(),
            });
        }
        let stream_index = stream.index();
        let time_base = stream.time_base();
        let parameters = stream.parameters();
        let codec_id = parameters.id();
        let codec_name = match codec_id {
            codec::Id::None => "unknown",
            known => known.name(),
        };
        let unsupported = |reason: String| SourceError::UnsupportedCodec {
            path: path.to_path_buf(),
            codec: codec_name.to_owned(),
            reason,
        };
        let context = codec::context::Context::from_parameters(parameters)
            .map_err(|e| unsupported(e.to_string()))?;
        let mut decoder = context.decoder();
        decoder.set_packet_time_base(time_base);
        let decoder = decoder.video().map_err(|e| unsupported(e.to_string()))?;

        let frame_rate = positive_rate(stream.avg_frame_rate())
            .or_else(|| positive_rate(stream.rate()))
            .or_else(|| decoder.frame_rate().and_then(positive_rate));
        let frame_interval_s = frame_rate.map_or(FALLBACK_FRAME_INTERVAL_S, |fps| 1.0 / fps);
        let seconds_per_tick = rational_to_f64(time_base).unwrap_or(0.0);
        let frame_count_hint = frame_count_hint(
            stream.frames(),
            stream.duration(),
            seconds_per_tick,
            input.duration(),
            frame_rate,
        );
        let description = format!(
            "video {} ({} {}×{}{})",
            path.display(),
            codec_name,
            decoder.width(),
            decoder.height(),
            frame_rate.map_or_else(String::new, |fps| format!(", {fps:.2} fps"))
        );

        let mut source = Self {
            path: path.to_path_buf(),
            input,
            decoder,
            stream_index,
            seconds_per_tick,
            frame_interval_s,
            frame_count_hint,
            description,
            packet: ffmpeg::Packet::empty(),
            decoded: frame::Video::empty(),
            rgb: frame::Video::empty(),
            scaler: None,
            first_timestamp: None,
            last_time_s: None,
            delivered: 0,
            skipped: 0,
            consecutive_errors: 0,
            damaged_in_a_row: 0,
            last_error: None,
            state: State::Reading,
            pending: None,
        };
        // An end before any frame is an error (`finish`), so this is always a frame.
        source.pending = source.decode_next()?;
        Ok(source)
    }

    /// Records a recoverable error: one frame lost.
    fn note_error(&mut self, error: &ffmpeg::Error) {
        self.skipped += 1;
        self.consecutive_errors += 1;
        self.last_error = Some(error.to_string());
    }

    /// Tells the decoder the input is over and moves on to collecting its last frames.
    fn start_draining(&mut self) {
        // send_eof only fails if EOF was already sent; either way the decoder is draining.
        let _ = self.decoder.send_eof();
        self.state = State::Draining;
    }

    /// Ends the source; an error if it never produced a frame.
    fn finish(&mut self) -> Result<Option<Frame>, SourceError> {
        let first_time = self.state != State::Finished;
        self.state = State::Finished;
        if first_time && self.delivered == 0 {
            return Err(SourceError::NoFrames {
                path: self.path.clone(),
                reason: self.last_error.clone(),
            });
        }
        Ok(None)
    }

    /// Feeds the decoder one packet of the video stream, or starts draining at the end of input.
    fn feed(&mut self) {
        // `av_read_frame` does not release what the packet held before: reading into the same
        // packet again leaked every compressed frame (≈5 kB each, 5.5 MB per 1000 frames of the
        // 640×480 fixture). Replacing the packet drops (unreferences) the previous one.
        self.packet = ffmpeg::Packet::empty();
        match self.packet.read(&mut self.input) {
            Ok(()) => {
                if self.packet.stream() != self.stream_index {
                    return;
                }
                match self.decoder.send_packet(&self.packet) {
                    Ok(()) => {}
                    Err(ffmpeg::Error::Eof) => self.state = State::Draining,
                    Err(error) => self.note_error(&error),
                }
            }
            Err(ffmpeg::Error::Eof) => self.start_draining(),
            Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => {}
            Err(error) => {
                self.note_error(&error);
                if self.consecutive_errors >= MAX_CONSECUTIVE_ERRORS {
                    self.start_draining();
                }
            }
        }
    }

    /// Whether the decoder flagged the picture in `self.decoded` as damaged.
    fn decoded_is_damaged(&self) -> bool {
        // Decode error flags: invalid bitstream, missing reference, concealment, lost slices.
        self.decoded.is_corrupt() || self.decoded.has_decode_errors()
    }

    /// Converts the picture in `self.decoded` to an RGB frame.
    fn convert(&mut self) -> Result<Frame, SourceError> {
        let (format, width, height) = (
            self.decoded.format(),
            self.decoded.width(),
            self.decoded.height(),
        );
        let scaler_fits = self.scaler.as_ref().is_some_and(|Scaler(context)| {
            let input = context.input();
            input.format == format && input.width == width && input.height == height
        });
        if !scaler_fits {
            if width > MAX_VIDEO_SIDE || height > MAX_VIDEO_SIDE {
                return Err(SourceError::Decode {
                    path: self.path.clone(),
                    reason: format!(
                        "{width}×{height} pictures are larger than the {MAX_VIDEO_SIDE} pixels a \
                         side plumbline accepts"
                    ),
                });
            }
            let context = scaling::Context::get(
                format,
                width,
                height,
                Pixel::RGB24,
                width,
                height,
                scaling::Flags::BILINEAR,
            )
            .map_err(|error| SourceError::Decode {
                path: self.path.clone(),
                reason: format!(
                    "cannot convert {format:?} {width}×{height} pictures to RGB: {error}"
                ),
            })?;
            self.scaler = Some(Scaler(context));
            self.rgb = frame::Video::empty();
        }
        if let Some(Scaler(context)) = self.scaler.as_mut() {
            context
                .run(&self.decoded, &mut self.rgb)
                .map_err(|error| SourceError::Decode {
                    path: self.path.clone(),
                    reason: format!("colour conversion failed: {error}"),
                })?;
        }
        let image = copy_rgb(&self.rgb).ok_or_else(|| SourceError::Decode {
            path: self.path.clone(),
            reason: "colour conversion gave a picture of the wrong size".to_owned(),
        })?;

        let time_s = self.frame_time(self.decoded.timestamp());
        let frame = Frame {
            image,
            time_s,
            index: self.delivered,
        };
        self.delivered += 1;
        Ok(frame)
    }

    /// The time of a frame from its best-effort timestamp; see the module docs.
    fn frame_time(&mut self, timestamp: Option<i64>) -> f64 {
        let from_container = timestamp.map(|ts| {
            let first = *self.first_timestamp.get_or_insert(ts);
            ts.saturating_sub(first) as f64 * self.seconds_per_tick
        });
        let time_s = match (self.last_time_s, from_container) {
            (None, _) => from_container.unwrap_or(0.0),
            (Some(last), Some(t)) if t > last => t,
            (Some(last), _) => last + self.frame_interval_s,
        };
        self.last_time_s = Some(time_s);
        time_s
    }

    /// Decodes the next frame from the file.
    fn decode_next(&mut self) -> Result<Option<Frame>, SourceError> {
        loop {
            if self.state == State::Finished {
                return self.finish();
            }
            match self.decoder.receive_frame(&mut self.decoded) {
                Ok(()) => {
                    self.consecutive_errors = 0;
                    if self.decoded_is_damaged() {
                        self.damaged_in_a_row += 1;
                        if self.damaged_in_a_row <= MAX_DAMAGED_IN_A_ROW {
                            self.skipped += 1;
                            self.last_error = Some("damaged picture".to_owned());
                            continue;
                        }
                    } else {
                        self.damaged_in_a_row = 0;
                    }
                    return self.convert().map(Some);
                }
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => {
                    if self.state == State::Draining {
                        // A draining decoder should not ask for input; treat it as done.
                        return self.finish();
                    }
                    self.feed();
                }
                Err(ffmpeg::Error::Eof) => return self.finish(),
                Err(error) => {
                    self.note_error(&error);
                    if self.consecutive_errors >= MAX_CONSECUTIVE_ERRORS {
                        return self.finish();
                    }
                }
            }
        }
    }
}

impl FrameSource for VideoSource {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        match self.pending.take() {
            Some(frame) => Ok(Some(frame)),
            None => self.decode_next(),
        }
    }

    fn describe(&self) -> String {
        self.description.clone()
    }

    fn skipped_frames(&self) -> u64 {
        self.skipped
    }

    fn ended_early(&self) -> Option<String> {
        let announced = self.frame_count_hint?;
        let got = self.delivered + self.skipped;
        // Frame counts in containers are estimates: under 90 % of the announced is an early
        // end, not rounding.
        (self.state == State::Finished && got * 10 < announced * 9).then(|| {
            format!(
                "{}: the video ended after {got} of the {announced} frames it announces; the \
                 file is probably truncated (a copy or download that did not finish)",
                self.path.display()
            )
        })
    }

    fn frame_count_hint(&self) -> Option<u64> {
        self.frame_count_hint
    }

    fn is_video(&self) -> bool {
        true
    }
}

/// Copies a packed RGB24 frame (rows padded to its stride) into a tight `RgbImage`.
fn copy_rgb(rgb: &frame::Video) -> Option<RgbImage> {
    let (width, height) = (rgb.width(), rgb.height());
    let row_bytes = width as usize * 3;
    let stride = rgb.stride(0);
    let data = rgb.data(0);
    let mut pixels = Vec::with_capacity(row_bytes * height as usize);
    for row in 0..height as usize {
        let start = row * stride;
        pixels.extend_from_slice(data.get(start..start + row_bytes)?);
    }
    RgbImage::from_raw(width, height, pixels)
}

fn rational_to_f64(rational: Rational) -> Option<f64> {
    (rational.denominator() != 0 && rational.numerator() != 0)
        .then(|| f64::from(rational.numerator()) / f64::from(rational.denominator()))
}

fn positive_rate(rate: Rational) -> Option<f64> {
    rational_to_f64(rate).filter(|fps| fps.is_finite() && *fps > 0.0 && *fps < 1000.0)
}

/// The stream's frame count if the container records it, else an estimate from the duration
/// (the stream's, or the whole file's, in microseconds) and the frame rate.
fn frame_count_hint(
    stream_frames: i64,
    stream_duration: i64,
    seconds_per_tick: f64,
    container_duration_us: i64,
    frame_rate: Option<f64>,
) -> Option<u64> {
    if stream_frames > 0 {
        return u64::try_from(stream_frames).ok();
    }
    let fps = frame_rate?;
    let duration_s = if stream_duration > 0 && seconds_per_tick > 0.0 {
        stream_duration as f64 * seconds_per_tick
    } else if container_duration_us > 0 {
        container_duration_us as f64 / 1_000_000.0
    } else {
        return None;
    };
    let estimate = (duration_s * fps).round();
    (estimate >= 1.0 && estimate.is_finite()).then_some(estimate as u64)
}

fn describe_streams(input: &format::context::Input) -> String {
    let kinds: Vec<String> = input
        .streams()
        .map(|stream| format!("{:?}", stream.parameters().medium()).to_lowercase())
        .collect();
    if kinds.is_empty() {
        "no streams at all".to_owned()
    } else {
        format!("streams found: {}", kinds.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

    fn fixture(name: &str) -> PathBuf {
        Path::new(FIXTURES).join(name)
    }

    fn decode_all(source: &mut VideoSource) -> Vec<Frame> {
        let mut frames = Vec::new();
        while let Some(frame) = source.next_frame().unwrap() {
            frames.push(frame);
        }
        frames
    }

    #[test]
    fn mp4_gives_120_frames_at_container_times() {
        let mut source = VideoSource::open(&fixture("carphone.mp4")).unwrap();
        assert_eq!(source.frame_count_hint(), Some(120));
        assert!(
            source.describe().contains("h264 176×144"),
            "{}",
            source.describe()
        );
        let frames = decode_all(&mut source);
        assert_eq!(frames.len(), 120);
        assert_eq!(source.skipped_frames(), 0);
        for (i, frame) in frames.iter().enumerate() {
            assert_eq!(frame.index, i as u64);
            assert_eq!(frame.image.dimensions(), (176, 144));
        }
        // The container says 30000/1001 fps: 1001 ticks of 1/30000 s apart, starting at 0.
        assert_eq!(frames[0].time_s, 0.0);
        for pair in frames.windows(2) {
            let step = pair[1].time_s - pair[0].time_s;
            assert!((step - 1001.0 / 30000.0).abs() < 1e-9, "step {step}");
        }
        assert!((frames[119].time_s - 119.0 * 1001.0 / 30000.0).abs() < 1e-9);
        // Ended stays ended.
        assert!(source.next_frame().unwrap().is_none());
    }

    #[test]
    fn frame_zero_matches_ffmpeg_cli() {
        // Reference from `ffmpeg -i carphone.mp4 -frames:v 1 -f rawvideo -pix_fmt rgb24 -`
        // (FFmpeg 5.1.x, bicubic swscale); this source uses bilinear, so allow a few levels.
        let mut source = VideoSource::open(&fixture("carphone.mp4")).unwrap();
        let frame = source.next_frame().unwrap().unwrap();
        let pixel_count = f64::from(176 * 144);
        let mean: Vec<f64> = (0..3)
            .map(|c| frame.image.pixels().map(|p| f64::from(p[c])).sum::<f64>() / pixel_count)
            .collect();
        for (got, want) in mean.iter().zip([95.351, 98.673, 93.113]) {
            assert!((got - want).abs() < 0.5, "mean {mean:?}");
        }
        let references = [
            ((0, 0), [19, 18, 7]),
            ((88, 72), [120, 90, 73]),
            ((175, 143), [1, 3, 3]),
            ((40, 100), [35, 71, 96]),
            ((150, 20), [246, 248, 245]),
        ];
        for ((x, y), want) in references {
            let got = frame.image.get_pixel(x, y).0;
            for c in 0..3 {
                assert!(
                    got[c].abs_diff(want[c]) <= 6,
                    "({x},{y}) {got:?} vs {want:?}"
                );
            }
        }
    }

    #[test]
    fn frame_count_hint_estimates_from_duration() {
        assert_eq!(frame_count_hint(120, 0, 0.0, 0, None), Some(120));
        assert_eq!(
            frame_count_hint(0, 0, 0.0, 4_004_000, Some(30000.0 / 1001.0)),
            Some(120)
        );
        assert_eq!(
            frame_count_hint(0, 4004, 0.001, 0, Some(30000.0 / 1001.0)),
            Some(120)
        );
        assert_eq!(frame_count_hint(0, 0, 0.0, 0, Some(30.0)), None);
        assert_eq!(frame_count_hint(0, 0, 0.0, 4_000_000, None), None);
    }

    #[test]
    fn times_never_go_backwards() {
        let mut source = VideoSource::open(&fixture("carphone.mp4")).unwrap();
        // Start over as if nothing had been decoded (open decodes the first frame).
        source.first_timestamp = None;
        source.last_time_s = None;
        source.seconds_per_tick = 0.001;
        source.frame_interval_s = 0.04;
        assert_eq!(source.frame_time(Some(500)), 0.0);
        assert_eq!(source.frame_time(Some(540)), 0.04);
        assert!((source.frame_time(None) - 0.08).abs() < 1e-12);
        assert!((source.frame_time(Some(520)) - 0.12).abs() < 1e-12);
        assert!((source.frame_time(Some(700)) - 0.2).abs() < 1e-12);
    }
}
