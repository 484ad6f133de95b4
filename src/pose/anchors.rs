//! SSD anchors of the BlazePose detector: one fixed-size anchor centre per output row.
//!
//! MediaPipe's `SsdAnchorsCalculator` with the pose detector's options (5 layers, strides
//! 8/16/32/32/32, one aspect ratio plus one interpolated scale, fixed anchor size): layers that
//! share a stride are merged into one grid, giving 28²·2 + 14²·2 + 7²·6 = 2254 anchors.

/// Side of the detector's square input in pixels.
pub const DETECTOR_INPUT_SIZE: usize = 224;

/// Strides of the detector's feature maps, one per layer (MediaPipe pose_detection graph).
const LAYER_STRIDES: [usize; 5] = [8, 16, 32, 32, 32];

/// Anchors per layer and cell: the aspect ratio 1.0 plus the interpolated-scale anchor.
const ANCHORS_PER_LAYER: usize = 2;

/// Anchor centres sit half a cell in from the cell's corner.
const ANCHOR_OFFSET: f32 = 0.5;

/// The number of anchors (and detector output rows) for the pose detector.
pub const ANCHOR_COUNT: usize = 2254;

/// An anchor centre in the detector's normalised input space (0..1). Fixed-size anchors have
/// width = height = 1, so only the centre is kept.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anchor {
    pub x: f32,
    pub y: f32,
}

/// Generates the detector's anchors in output-row order.
pub fn pose_detector_anchors() -> Vec<Anchor> {
    let mut anchors = Vec::with_capacity(ANCHOR_COUNT);
    let mut layer = 0;
    while layer < LAYER_STRIDES.len() {
        let stride = LAYER_STRIDES[layer];
        let mut anchors_per_cell = 0;
        while layer < LAYER_STRIDES.len() && LAYER_STRIDES[layer] == stride {
            anchors_per_cell += ANCHORS_PER_LAYER;
            layer += 1;
        }
        let grid = DETECTOR_INPUT_SIZE.div_ceil(stride);
        for row in 0..grid {
            for col in 0..grid {
                let anchor = Anchor {
                    x: (col as f32 + ANCHOR_OFFSET) / grid as f32,
                    y: (row as f32 + ANCHOR_OFFSET) / grid as f32,
                };
                anchors.extend(std::iter::repeat_n(anchor, anchors_per_cell));
            }
        }
    }
    anchors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_2254_anchors() {
        assert_eq!(pose_detector_anchors().len(), ANCHOR_COUNT);
    }

    #[test]
    fn first_grid_is_28_by_28_with_two_anchors_per_cell() {
        let anchors = pose_detector_anchors();
        let half_cell = 0.5 / 28.0;
        assert!((anchors[0].x - half_cell).abs() < 1e-6);
        assert!((anchors[0].y - half_cell).abs() < 1e-6);
        assert_eq!(anchors[0], anchors[1]);
        assert!((anchors[2].x - 3.0 * half_cell).abs() < 1e-6);
        // The first anchor of the second row of the first grid.
        assert!((anchors[56].y - 3.0 * half_cell).abs() < 1e-6);
    }

    #[test]
    fn merged_stride_32_layers_give_six_anchors_per_cell() {
        let anchors = pose_detector_anchors();
        let last_grid_start = 28 * 28 * 2 + 14 * 14 * 2;
        let first_cell = &anchors[last_grid_start..last_grid_start + 6];
        assert!(first_cell.iter().all(|anchor| *anchor == first_cell[0]));
        assert!((first_cell[0].x - 0.5 / 7.0).abs() < 1e-6);
        assert_ne!(anchors[last_grid_start + 6], first_cell[0]);
        let last = anchors[ANCHOR_COUNT - 1];
        assert!((last.x - 6.5 / 7.0).abs() < 1e-6 && (last.y - 6.5 / 7.0).abs() < 1e-6);
    }
}
