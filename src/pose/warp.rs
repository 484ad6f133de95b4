//! Cropping a rotated region of a frame into a model's square input, the way OpenCV does it.
//!
//! MediaPipe crops with `cv::warpPerspective` (bilinear): source coordinates are rounded to
//! 1/32 pixel, the four taps are blended with 15-bit fixed-point weights and the result is
//! rounded to 8 bits before it is scaled into the tensor. Plain float bilinear drifted by up to
//! 8.6 px on one portrait, so this reproduces OpenCV's arithmetic; it is a pure function of the
//! image and the region, tested on synthetic images.

use image::RgbImage;

use super::types::Roi;

/// Sub-pixel resolution of source coordinates (OpenCV `INTER_BITS` = 5).
const SUBPIXEL_STEPS: i64 = 32;
const SUBPIXEL_BITS: i64 = 5;

/// Fixed-point precision of the bilinear weights (OpenCV `INTER_REMAP_COEF_BITS` = 15).
const WEIGHT_BITS: i32 = 15;
const WEIGHT_ONE: i32 = 1 << WEIGHT_BITS;

/// What pixels outside the frame read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Border {
    /// Black (the detector's letterbox: becomes −1 after its scaling).
    Zero,
    /// The nearest edge pixel (the landmark model's crop).
    Replicate,
}

/// How 8-bit samples become tensor values: `value = sample · scale + offset`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ValueRange {
    pub scale: f32,
    pub offset: f32,
}

impl ValueRange {
    /// 0..255 → −1..1 (the detector).
    pub const MINUS_ONE_TO_ONE: ValueRange = ValueRange {
        scale: 2.0 / 255.0,
        offset: -1.0,
    };
    /// 0..255 → 0..1 (the landmark model).
    pub const ZERO_TO_ONE: ValueRange = ValueRange {
        scale: 1.0 / 255.0,
        offset: 0.0,
    };
}

/// The fixed-point bilinear weights for every 1/32-pixel offset, like OpenCV's `initInterTab2D`:
/// four weights per (y step, x step) that always sum to exactly 2¹⁵.
pub struct BilinearTable {
    weights: Vec<[i32; 4]>,
}

impl Default for BilinearTable {
    fn default() -> Self {
        Self::new()
    }
}

impl BilinearTable {
    pub fn new() -> Self {
        let steps = SUBPIXEL_STEPS as usize;
        let mut weights = Vec::with_capacity(steps * steps);
        for y_step in 0..steps {
            let fy = y_step as f32 / steps as f32;
            for x_step in 0..steps {
                let fx = x_step as f32 / steps as f32;
                let float_weights = [
                    (1.0 - fy) * (1.0 - fx),
                    (1.0 - fy) * fx,
                    fy * (1.0 - fx),
                    fy * fx,
                ];
                let mut fixed = float_weights
                    .map(|weight| (weight * WEIGHT_ONE as f32).round_ties_even() as i32);
                let error = WEIGHT_ONE - fixed.iter().sum::<i32>();
                if error != 0 {
                    // OpenCV puts the rounding error on the largest (or smallest) weight.
                    let index = if error < 0 {
                        index_of_max(&fixed)
                    } else {
                        index_of_min(&fixed)
                    };
                    fixed[index] += error;
                }
                weights.push(fixed);
            }
        }
        Self { weights }
    }

    fn get(&self, x_step: usize, y_step: usize) -> [i32; 4] {
        self.weights[y_step * SUBPIXEL_STEPS as usize + x_step]
    }
}

fn index_of_max(values: &[i32; 4]) -> usize {
    (0..4).fold(0, |best, index| {
        if values[index] > values[best] {
            index
        } else {
            best
        }
    })
}

fn index_of_min(values: &[i32; 4]) -> usize {
    (0..4).fold(0, |best, index| {
        if values[index] < values[best] {
            index
        } else {
            best
        }
    })
}

/// Crops `roi` of `image` into a `size` × `size` RGB tensor in HWC order, writing
/// `size · size · 3` values into `output` (which must be that long).
///
/// Output pixel (u, v) samples the source at `c + R(θ)·((u/size − ½)·w, (v/size − ½)·h)`, the
/// mapping MediaPipe builds from the region's corners.
pub fn warp_roi_into_tensor(
    image: &RgbImage,
    roi: &Roi,
    size: usize,
    border: Border,
    range: ValueRange,
    table: &BilinearTable,
    output: &mut [f32],
) {
    debug_assert_eq!(output.len(), size * size * 3);
    let (width, height) = (image.width() as i64, image.height() as i64);
    let pixels = image.as_raw();
    let (sin, cos) = (roi.rotation as f64).sin_cos();
    let (roi_width, roi_height) = (roi.width as f64, roi.height as f64);
    let step = 1.0 / size as f64;
    // Source position of output (0, 0) and how it moves per output column and per row.
    let column_dx = cos * roi_width * step;
    let column_dy = sin * roi_width * step;
    let row_dx = -sin * roi_height * step;
    let row_dy = cos * roi_height * step;
    let origin_x = roi.center_x as f64 - 0.5 * cos * roi_width + 0.5 * sin * roi_height;
    let origin_y = roi.center_y as f64 - 0.5 * sin * roi_width - 0.5 * cos * roi_height;

    let sample = |x: i64, y: i64, channel: usize| -> i32 {
        let (x, y) = match border {
            Border::Replicate => (x.clamp(0, width - 1), y.clamp(0, height - 1)),
            Border::Zero => {
                if x < 0 || y < 0 || x >= width || y >= height {
                    return 0;
                }
                (x, y)
            }
        };
        pixels[((y * width + x) * 3) as usize + channel] as i32
    };

    for row in 0..size {
        for column in 0..size {
            let source_x = origin_x + column as f64 * column_dx + row as f64 * row_dx;
            let source_y = origin_y + column as f64 * column_dy + row as f64 * row_dy;
            let fixed_x = (source_x * SUBPIXEL_STEPS as f64).round_ties_even() as i64;
            let fixed_y = (source_y * SUBPIXEL_STEPS as f64).round_ties_even() as i64;
            let (x, y) = (fixed_x >> SUBPIXEL_BITS, fixed_y >> SUBPIXEL_BITS);
            let weights = table.get(
                (fixed_x & (SUBPIXEL_STEPS - 1)) as usize,
                (fixed_y & (SUBPIXEL_STEPS - 1)) as usize,
            );
            let base = (row * size + column) * 3;
            for channel in 0..3 {
                let blended = sample(x, y, channel) * weights[0]
                    + sample(x + 1, y, channel) * weights[1]
                    + sample(x, y + 1, channel) * weights[2]
                    + sample(x + 1, y + 1, channel) * weights[3];
                let rounded = ((blended + (1 << (WEIGHT_BITS - 1))) >> WEIGHT_BITS).clamp(0, 255);
                output[base + channel] = rounded as f32 * range.scale + range.offset;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f32::consts::FRAC_PI_2;

    fn gradient_image(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([
                (x * 4 % 256) as u8,
                (y * 4 % 256) as u8,
                ((x + y) % 256) as u8,
            ])
        })
    }

    fn warp(image: &RgbImage, roi: &Roi, size: usize, border: Border) -> Vec<f32> {
        let mut output = vec![0.0; size * size * 3];
        let table = BilinearTable::new();
        warp_roi_into_tensor(
            image,
            roi,
            size,
            border,
            ValueRange {
                scale: 1.0,
                offset: 0.0,
            },
            &table,
            &mut output,
        );
        output
    }

    #[test]
    fn weights_always_sum_to_one_in_fixed_point() {
        let table = BilinearTable::new();
        for y in 0..32 {
            for x in 0..32 {
                assert_eq!(table.get(x, y).iter().sum::<i32>(), WEIGHT_ONE);
            }
        }
        assert_eq!(table.get(0, 0), [WEIGHT_ONE, 0, 0, 0]);
        assert_eq!(table.get(16, 16), [WEIGHT_ONE / 4; 4]);
    }

    #[test]
    fn identity_region_copies_the_image() {
        // A region centred at (w/2, h/2) the size of the image maps output pixel u to source u.
        let image = gradient_image(16, 16);
        let roi = Roi {
            center_x: 8.0,
            center_y: 8.0,
            width: 16.0,
            height: 16.0,
            rotation: 0.0,
        };
        let output = warp(&image, &roi, 16, Border::Replicate);
        for (index, pixel) in image.pixels().enumerate() {
            for channel in 0..3 {
                assert_eq!(output[index * 3 + channel], pixel.0[channel] as f32);
            }
        }
    }

    #[test]
    fn half_pixel_offsets_average_neighbours_with_rounding() {
        let image = RgbImage::from_fn(4, 1, |x, _| image::Rgb([[0, 101, 200, 255][x as usize]; 3]));
        // Shift by half a pixel: samples between neighbours.
        let roi = Roi {
            center_x: 2.5,
            center_y: 0.5,
            width: 4.0,
            height: 1.0,
            rotation: 0.0,
        };
        let output = warp(&image, &roi, 4, Border::Replicate);
        // Output is square 4×4; row 0 samples y = 0 exactly.
        assert_eq!(output[0], 51.0); // (0 + 101) / 2 = 50.5 → 51
        assert_eq!(output[3], 151.0); // (101 + 200) / 2 = 150.5 → 151
    }

    #[test]
    fn quarter_turn_rotates_the_crop() {
        let image = gradient_image(9, 9);
        let roi = Roi {
            center_x: 4.5,
            center_y: 4.5,
            width: 9.0,
            height: 9.0,
            rotation: FRAC_PI_2,
        };
        let output = warp(&image, &roi, 9, Border::Replicate);
        // With θ = 90°, output (u, v) reads source (9 − v, u): output column u is source row u.
        for v in 0..9usize {
            for u in 0..9usize {
                let source_x = (9 - v as i64).clamp(0, 8) as u32;
                let expected = image.get_pixel(source_x, u as u32).0[0] as f32;
                assert_eq!(output[(v * 9 + u) * 3], expected, "u={u} v={v}");
            }
        }
    }

    #[test]
    fn zero_border_is_black_and_replicate_border_repeats_the_edge() {
        let image = RgbImage::from_pixel(4, 4, image::Rgb([200, 100, 50]));
        // A region twice the image: the outer ring is outside the frame.
        let roi = Roi {
            center_x: 2.0,
            center_y: 2.0,
            width: 8.0,
            height: 8.0,
            rotation: 0.0,
        };
        let zero = warp(&image, &roi, 8, Border::Zero);
        let replicate = warp(&image, &roi, 8, Border::Replicate);
        assert_eq!(&zero[0..3], &[0.0, 0.0, 0.0]);
        assert_eq!(&replicate[0..3], &[200.0, 100.0, 50.0]);
        // The middle is inside either way.
        let middle = (4 * 8 + 4) * 3;
        assert_eq!(&zero[middle..middle + 3], &[200.0, 100.0, 50.0]);
    }

    #[test]
    fn value_range_scales_samples() {
        let image = RgbImage::from_pixel(2, 2, image::Rgb([255, 0, 127]));
        let roi = Roi {
            center_x: 1.0,
            center_y: 1.0,
            width: 2.0,
            height: 2.0,
            rotation: 0.0,
        };
        let mut output = vec![0.0; 2 * 2 * 3];
        let table = BilinearTable::new();
        warp_roi_into_tensor(
            &image,
            &roi,
            2,
            Border::Replicate,
            ValueRange::MINUS_ONE_TO_ONE,
            &table,
            &mut output,
        );
        assert!((output[0] - 1.0).abs() < 1e-6);
        assert!((output[1] + 1.0).abs() < 1e-6);
        assert!(output[2].abs() < 0.01);
    }
}
