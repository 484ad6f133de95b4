//! Sharing the camera with video calls: a V4L2 device streams to one process at a time, so
//! while plumbline streams a call cannot start. The watcher follows the device node with
//! inotify (every open and close of it) and, on each, looks in `/proc` for other processes
//! that hold it open: when one does, plumbline should let go; when none does any more, it
//! may take the camera back. What it cannot see: processes of other users (their `/proc`
//! entries are closed to us) and access brokered by PipeWire or the camera portal (the
//! broker holds the node, and its clients come and go without opening it).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use inotify::{Inotify, WatchMask};

/// What the watcher reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CameraUse {
    /// Other processes hold the device open (ids and names, for the log and the UI).
    TakenBy(Vec<OtherUser>),
    /// No other process holds it any more.
    Free,
}

/// A process that holds the camera open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherUser {
    pub pid: u32,
    /// Its command name (`/proc/PID/comm`), if readable.
    pub name: Option<String>,
}

/// How often the watcher reads its inotify events.
const POLL: Duration = Duration::from_millis(100);
/// Another process must still hold the camera this long after it was first seen, so a
/// program that only opens it to list its formats does not interrupt monitoring.
const CONFIRM_AFTER: Duration = Duration::from_millis(500);
/// While the camera is taken, `/proc` is checked this often even without an event (a close
/// by a process that died, or an event lost to a full queue).
const RECHECK_WHILE_TAKEN: Duration = Duration::from_secs(2);

/// Other processes that have `device` open: every `/proc/PID/fd/*` link that resolves to it,
/// except this process's own. Processes whose `fd` folder we may not read are skipped.
pub fn other_users(device: &Path) -> Vec<OtherUser> {
    let target = std::fs::canonicalize(device).unwrap_or_else(|_| device.to_path_buf());
    let own = std::process::id();
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut users = Vec::new();
    for process in processes.flatten() {
        let Some(pid) = process
            .file_name()
            .to_str()
            .and_then(|name| name.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == own {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(process.path().join("fd")) else {
            continue;
        };
        let holds = fds
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|link| link == target));
        if holds {
            let name = std::fs::read_to_string(process.path().join("comm"))
                .ok()
                .map(|name| name.trim().to_string());
            users.push(OtherUser { pid, name });
        }
    }
    users
}

/// A running watcher; dropping it stops and joins the thread.
pub struct CameraUseWatch {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for CameraUseWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts watching `device`; `on_change` is called on the watcher thread each time other
/// processes start or stop holding it (first with the state found at start, if taken).
pub fn watch_camera_use(
    device: &Path,
    on_change: impl Fn(CameraUse) + Send + 'static,
) -> std::io::Result<CameraUseWatch> {
    let mut inotify = Inotify::init()?;
    inotify
        .watches()
        .add(device, WatchMask::OPEN | WatchMask::CLOSE)
        .map_err(|error| {
            std::io::Error::new(
                error.kind(),
                format!("cannot watch {} for other apps: {error}", device.display()),
            )
        })?;
    let stop = Arc::new(AtomicBool::new(false));
    let device: PathBuf = device.to_path_buf();
    let thread = std::thread::Builder::new()
        .name("plumbline-camera-use".to_string())
        .spawn({
            let stop = Arc::clone(&stop);
            move || follow(&mut inotify, &device, &stop, &on_change)
        })?;
    Ok(CameraUseWatch {
        stop,
        thread: Some(thread),
    })
}

fn follow(inotify: &mut Inotify, device: &Path, stop: &AtomicBool, on_change: &dyn Fn(CameraUse)) {
    let mut buffer = [0u8; 4096];
    let mut taken = false;
    let mut check_now = true;
    let mut last_check = Instant::now();
    let mut seen_taken_at: Option<Instant> = None;
    while !stop.load(Ordering::Relaxed) {
        match inotify.read_events(&mut buffer) {
            Ok(mut events) => check_now |= events.next().is_some(),
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(error) => {
                tracing::warn!(
                    "stopped following other apps' use of {}: {error}",
                    device.display()
                );
                return;
            }
        }
        let confirm_due = seen_taken_at.is_some_and(|at| at.elapsed() >= CONFIRM_AFTER);
        if check_now || confirm_due || (taken && last_check.elapsed() >= RECHECK_WHILE_TAKEN) {
            check_now = false;
            last_check = Instant::now();
            let users = other_users(device);
            match (taken, users.is_empty(), seen_taken_at) {
                // Held a moment later too: not a probe, a user.
                (false, false, Some(at)) if at.elapsed() >= CONFIRM_AFTER => {
                    taken = true;
                    seen_taken_at = None;
                    on_change(CameraUse::TakenBy(users));
                }
                (false, false, None) => seen_taken_at = Some(Instant::now()),
                (false, true, _) => seen_taken_at = None,
                (true, true, _) => {
                    taken = false;
                    on_change(CameraUse::Free);
                }
                _ => {}
            }
        }
        std::thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_open_file_is_not_another_user() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("video9");
        std::fs::write(&path, b"").unwrap();
        let _open = std::fs::File::open(&path).unwrap();
        assert!(other_users(&path).is_empty());
    }
}
