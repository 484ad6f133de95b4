//! One ONNX model on ONNX Runtime: loaded after its checksum is verified, run single-threaded
//! with spinning off (spinning doubled the latency on two cores), outputs copied into buffers
//! that are allocated once.

use std::path::PathBuf;

use ort::session::Session;
use ort::value::TensorRef;

use crate::models::{ModelError, ModelFile, ModelLocator};
use crate::runtime::{self, RuntimeError};

/// Why the pose engine could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum PoseError {
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(
        "model {} could not be loaded by ONNX Runtime: {source}. Regenerate it with `bash scripts/convert_models.sh`.",
        .path.display()
    )]
    Unloadable {
        path: PathBuf,
        #[source]
        source: ort::Error,
    },
    #[error(
        "model {} does not have the expected inputs and outputs ({reason}); it is not the model plumbline was built for.",
        .path.display()
    )]
    UnexpectedLayout { path: PathBuf, reason: String },
    #[error("running {model} failed: {source}")]
    Inference {
        model: &'static str,
        #[source]
        source: ort::Error,
    },
    #[error("running {model} gave an unexpected result: {reason}")]
    UnexpectedOutput { model: &'static str, reason: String },
}

/// ONNX Runtime threads per model. One thread is both the fastest per frame on a 2-core
/// laptop (no spinning, no hand-offs) and the kindest to everything else the user runs.
pub const INTRA_OP_THREADS: usize = 1;

/// A loaded model whose outputs are identified by their element counts.
pub struct OnnxModel {
    session: Session,
    model: ModelFile,
    input_name: String,
    input_shape: [usize; 4],
    output_names: Vec<String>,
    outputs: Vec<Vec<f32>>,
}

impl OnnxModel {
    /// Loads `model`, checking its checksum, and maps the outputs whose element counts are
    /// `output_sizes` (in that order) so [`OnnxModel::run`] returns them in that order.
    pub fn load(
        locator: &ModelLocator,
        model: ModelFile,
        input_shape: [usize; 4],
        output_sizes: &[usize],
    ) -> Result<Self, PoseError> {
        let environment = runtime::environment()?;
        let (path, bytes) = locator.load_verified(model)?;
        let unloadable = |source: ort::Error| PoseError::Unloadable {
            path: path.clone(),
            source,
        };
        let session = Session::builder(&environment)
            .map_err(unloadable)?
            .with_intra_threads(INTRA_OP_THREADS)
            .map_err(|error| unloadable(error.into()))?
            .with_inter_threads(1)
            .map_err(|error| unloadable(error.into()))?
            .with_intra_op_spinning(false)
            .map_err(|error| unloadable(error.into()))?
            .with_inter_op_spinning(false)
            .map_err(|error| unloadable(error.into()))?
            .commit_from_memory(&bytes)
            .map_err(unloadable)?;

        let layout_error = |reason: String| PoseError::UnexpectedLayout {
            path: path.clone(),
            reason,
        };
        let input_name = match session.inputs() {
            [input] => input.name().to_string(),
            inputs => {
                return Err(layout_error(format!(
                    "{} inputs instead of one",
                    inputs.len()
                )));
            }
        };
        let available: Vec<(String, Option<usize>)> = session
            .outputs()
            .iter()
            .map(|output| {
                let count = output.dtype().tensor_shape().and_then(|shape| {
                    shape.iter().try_fold(1usize, |count, &dim| {
                        usize::try_from(dim).ok().map(|dim| count * dim)
                    })
                });
                (output.name().to_string(), count)
            })
            .collect();
        let output_names = output_sizes
            .iter()
            .map(|&size| {
                available
                    .iter()
                    .find(|(_, count)| *count == Some(size))
                    .map(|(name, _)| name.clone())
                    .ok_or_else(|| {
                        layout_error(format!(
                            "no output with {size} values; outputs are {:?}",
                            available
                        ))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let outputs = output_sizes.iter().map(|&size| vec![0.0; size]).collect();
        Ok(Self {
            session,
            model,
            input_name,
            input_shape,
            output_names,
            outputs,
        })
    }

    /// Runs the model on `input` (NHWC, the shape given at load) and returns the outputs in the
    /// order given at load.
    pub fn run(&mut self, input: &[f32]) -> Result<&[Vec<f32>], PoseError> {
        let model = self.model.file_name();
        let failed = |source: ort::Error| PoseError::Inference { model, source };
        let unexpected = |reason: String| PoseError::UnexpectedOutput { model, reason };
        let tensor = TensorRef::from_array_view((self.input_shape, input)).map_err(failed)?;
        let results = self
            .session
            .run(ort::inputs![self.input_name.as_str() => tensor])
            .map_err(failed)?;
        for (name, buffer) in self.output_names.iter().zip(self.outputs.iter_mut()) {
            let value = results
                .get(name)
                .ok_or_else(|| unexpected(format!("output {name} missing")))?;
            let (_, data) = value.try_extract_tensor::<f32>().map_err(failed)?;
            if data.len() != buffer.len() {
                return Err(unexpected(format!(
                    "output {name} has {} values, expected {}",
                    data.len(),
                    buffer.len()
                )));
            }
            buffer.copy_from_slice(data);
        }
        Ok(&self.outputs)
    }
}
