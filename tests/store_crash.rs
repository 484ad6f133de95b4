//! Kill -9 durability: a child process (this test binary re-invoked with an environment
//! variable, so it runs a writer loop instead of the tests) is killed with SIGKILL at several
//! moments; afterwards the file must pass `PRAGMA integrity_check`, hold every sample and event
//! sent more than 2 s before the kill, and open again at once (the dead child's lock does not
//! block).

// Test code: a failed unwrap or expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use plumbline::store::calendar::MS_PER_S;
use plumbline::store::{
    EventKind, History, Recorder, RecorderConfig, Sample, State, Store, StoreOptions, StoredEvent,
    now_ms,
};

/// Set in the child: the database path.
const CHILD_DB_ENV: &str = "PLUMBLINE_STORE_CRASH_CHILD_DB";
/// Set in the child: the first sample's time, UTC ms.
const CHILD_BASE_ENV: &str = "PLUMBLINE_STORE_CRASH_CHILD_BASE";

/// What may be lost at a kill, per the issue.
const MAX_LOSS_MS: i64 = 2_000;

/// The child stops by itself after this long, should the parent fail to kill it.
const CHILD_MAX_RUN: Duration = Duration::from_secs(60);

/// One event every this many samples.
const EVENT_EVERY: i64 = 10;

/// Not a test on its own: the writer loop the parent runs in a child process and kills.
#[test]
fn crash_child_writer_loop() {
    let (Ok(db), Ok(base)) = (std::env::var(CHILD_DB_ENV), std::env::var(CHILD_BASE_ENV)) else {
        return;
    };
    let base: i64 = base.parse().unwrap();
    let store = Store::open(Path::new(&db), &StoreOptions::default())
        .unwrap()
        .store;
    let recorder = Recorder::start(store, RecorderConfig::default()).unwrap();
    println!("ready");
    let started = Instant::now();
    for i in 0.. {
        if started.elapsed() > CHILD_MAX_RUN {
            break;
        }
        // Synthetic seconds, written much faster than real time to stress the batches.
        let time_ms = base + i * MS_PER_S;
        let state = State::ALL[(i / 7) as usize % State::ALL.len()];
        assert!(recorder.sample(Sample {
            time_ms,
            state,
            forward_head_dev_deg: Some(i as f32 % 20.0),
            rounded_shoulder_dev_deg: None,
            confidence: 0.5,
        }));
        if i % EVENT_EVERY == 0 {
            assert!(recorder.event(StoredEvent::new(time_ms, EventKind::Prompt).with("seq", i)));
        }
        println!("sent {i} {}", now_ms());
        std::thread::sleep(Duration::from_millis(4));
    }
}

struct Round {
    /// Sequence numbers sent, with when (UTC ms).
    sent: Vec<(i64, i64)>,
    killed_at_ms: i64,
}

fn run_child_and_kill(db: &Path, base: i64, kill_after: Duration, wait_ready: bool) -> Round {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "crash_child_writer_loop",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB_ENV, db)
        .env(CHILD_BASE_ENV, base.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::Builder::new()
        .name("crash-child-stdout".into())
        .spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        })
        .unwrap();
    let started = Instant::now();
    if wait_ready {
        loop {
            let line = rx
                .recv_timeout(Duration::from_secs(30))
                .expect("child ready");
            if line.ends_with("ready") {
                break;
            }
        }
    }
    std::thread::sleep(kill_after.saturating_sub(if wait_ready {
        Duration::ZERO
    } else {
        started.elapsed()
    }));
    let killed_at_ms = now_ms();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    reader.join().unwrap();
    let sent = rx
        .try_iter()
        .filter_map(|line| {
            let mut parts = line.strip_prefix("sent ")?.split(' ');
            Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
        })
        .collect();
    Round { sent, killed_at_ms }
}

#[test]
fn kill_9_loses_at_most_two_seconds_and_never_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    // Future times, a day apart per round, so startup rollup and retention leave them alone.
    let base0 = (now_ms() / MS_PER_S + 86_400) * MS_PER_S;
    let rounds = [
        (Duration::from_millis(30), false), // during open / migration / first maintenance
        (Duration::from_millis(300), true),
        (Duration::from_millis(1_700), true),
        (Duration::from_millis(2_900), true),
        (Duration::from_millis(4_300), true),
    ];
    let mut checked = 0;
    for (n, (after, wait_ready)) in rounds.into_iter().enumerate() {
        let base = base0 + n as i64 * 86_400_000;
        let round = run_child_and_kill(&db, base, after, wait_ready);
        if !db.exists() {
            assert!(round.sent.is_empty());
            continue;
        }
        let history = History::open(&db);
        let history = match history {
            Ok(h) => h,
            // Killed before the schema was committed: the next open must still work.
            Err(e) if n == 0 => {
                eprintln!("round {n}: {e}");
                let opened = Store::open(&db, &StoreOptions::default()).unwrap();
                assert!(opened.warnings.is_empty(), "{:?}", opened.warnings);
                drop(opened);
                History::open(&db).unwrap()
            }
            Err(e) => panic!("round {n}: {e}"),
        };
        assert_eq!(history.integrity_check().unwrap(), ["ok"], "round {n}");
        let q = history.query();
        let stored = q.samples(base, base + 1_000_000_000).unwrap();
        let events = q.events(base, base + 1_000_000_000).unwrap();
        let must_have = round
            .sent
            .iter()
            .filter(|(_, at)| *at <= round.killed_at_ms - MAX_LOSS_MS)
            .map(|(seq, _)| *seq)
            .max();
        if let Some(last) = must_have {
            assert!(
                stored.len() as i64 > last,
                "round {n}: sent {} ({} due), stored {}",
                round.sent.len(),
                last + 1,
                stored.len()
            );
            for (i, s) in stored.iter().take(last as usize + 1).enumerate() {
                assert_eq!(s.time_ms, base + i as i64 * MS_PER_S, "round {n}");
            }
            assert!(events.len() as i64 > last / EVENT_EVERY, "round {n}");
            checked += 1;
        }
        eprintln!(
            "round {n}: killed after {after:?}; sent {}, stored {} samples and {} events",
            round.sent.len(),
            stored.len(),
            events.len()
        );
        drop(history);
        // The dead child's lock does not block, and the file is not seen as damaged.
        let opened = Store::open(&db, &StoreOptions::default()).unwrap();
        assert!(opened.warnings.is_empty(), "{:?}", opened.warnings);
    }
    assert!(
        checked >= 2,
        "at least two rounds ran long enough to check losses"
    );
}
