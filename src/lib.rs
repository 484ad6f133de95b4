//! plumbline: a webcam posture monitor. The library holds everything; `main.rs` only parses
//! arguments and reports errors.

pub mod analyze;
pub mod app;
pub mod calibrate;
pub mod camera;
pub mod cli;
pub mod clock;
pub mod coach;
pub mod cost;
pub mod desktop;
pub mod geometry;
pub mod headless;
pub mod models;
pub mod monitor;
pub mod pipeline;
pub mod pose;
pub mod runtime;
pub mod settings;
pub mod source;
pub mod store;
pub mod verdict;
pub mod wiring;
