//! The command-line commands, one file each (`analyze`, `calibrate`, `monitor`), and the
//! parser that dispatches to them and to the window (`cli`). They sit on top: nothing below
//! imports them.

pub mod analyze;
pub mod calibrate;
pub mod cli;
pub mod monitor;
