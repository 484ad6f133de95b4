//! plumbline: a webcam posture monitor. The library holds everything; `main.rs` only parses
//! arguments and reports errors.

pub mod app;
pub mod camera;
pub mod clock;
pub mod coach;
pub mod commands;
pub mod cost;
pub mod desktop;
pub mod geometry;
pub mod layout;
pub mod log_file;
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
