//! The command-line commands, one file each (`analyze`, `calibrate`, `monitor`), the parser
//! that dispatches to them and to the window (`cli`), and where the log goes (`logging`). They sit on top: nothing below
//! imports them.

pub mod analyze;
pub mod calibrate;
pub mod cli;
pub mod logging;
pub mod monitor;
