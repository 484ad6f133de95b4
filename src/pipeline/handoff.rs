//! The hand-off between the capture thread and the analysis thread: a single slot where the
//! newest frame wins (live cameras: no queue that grows, no stale frames) or, for files
//! analysed as fast as possible, where the producer waits until the frame was taken.

use std::sync::{Condvar, Mutex};
use std::time::Duration;

use crate::camera::CameraFault;
use crate::source::Frame;

/// What the capture side hands over.
pub enum Item {
    Frame(Frame),
    /// The camera is failing; it will be retried by the capture side.
    Fault(CameraFault),
    /// The source has no more frames.
    End,
    /// The capture thread panicked (why): monitoring cannot go on.
    Crashed(String),
}

/// What a take gave.
pub enum Taken {
    Item(Item),
    /// Nothing arrived within the timeout.
    Empty,
    /// The slot was closed (shutdown).
    Closed,
}

struct State {
    item: Option<Item>,
    closed: bool,
    overwritten: u64,
}

/// A one-item hand-off.
pub struct Slot {
    state: Mutex<State>,
    changed: Condvar,
}

impl Default for Slot {
    fn default() -> Self {
        Self::new()
    }
}

impl Slot {
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State {
                item: None,
                closed: false,
                overwritten: 0,
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the slot inconsistent: recover the data.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Puts `item`, replacing (and counting) one that was not taken yet.
    pub fn put_newest(&self, item: Item) {
        let mut state = self.lock();
        if state.item.replace(item).is_some() {
            state.overwritten += 1;
        }
        self.changed.notify_all();
    }

    /// Puts `item` once the slot is empty. Returns false if the slot was closed meanwhile.
    pub fn put_waiting(&self, item: Item) -> bool {
        let mut state = self.lock();
        while state.item.is_some() && !state.closed {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        if state.closed {
            return false;
        }
        state.item = Some(item);
        self.changed.notify_all();
        true
    }

    /// Takes the item, waiting up to `timeout` for one.
    pub fn take(&self, timeout: Duration) -> Taken {
        let mut state = self.lock();
        if state.item.is_none() && !state.closed {
            state = self
                .changed
                .wait_timeout_while(state, timeout, |state| {
                    state.item.is_none() && !state.closed
                })
                .map(|(state, _)| state)
                .unwrap_or_else(|poisoned| poisoned.into_inner().0);
        }
        if let Some(item) = state.item.take() {
            self.changed.notify_all();
            return Taken::Item(item);
        }
        if state.closed {
            Taken::Closed
        } else {
            Taken::Empty
        }
    }

    /// Wakes everyone; later puts are refused and takes return [`Taken::Closed`] once empty.
    pub fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }

    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Frames replaced before they were analysed (the cost of "newest wins").
    pub fn overwritten(&self) -> u64 {
        self.lock().overwritten
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn frame(index: u64) -> Item {
        Item::Frame(Frame {
            image: image::RgbImage::new(2, 2),
            time_s: index as f64,
            index,
        })
    }

    fn index_of(taken: Taken) -> Option<u64> {
        match taken {
            Taken::Item(Item::Frame(frame)) => Some(frame.index),
            _ => None,
        }
    }

    #[test]
    fn newest_frame_wins_and_old_ones_are_counted() {
        let slot = Slot::new();
        for index in 0..5 {
            slot.put_newest(frame(index));
        }
        assert_eq!(index_of(slot.take(Duration::ZERO)), Some(4));
        assert_eq!(slot.overwritten(), 4);
        assert!(matches!(slot.take(Duration::from_millis(5)), Taken::Empty));
    }

    #[test]
    fn waiting_put_hands_over_every_frame_in_order() {
        let slot = Arc::new(Slot::new());
        let producer = {
            let slot = Arc::clone(&slot);
            std::thread::spawn(move || {
                for index in 0..50 {
                    assert!(slot.put_waiting(frame(index)));
                }
                slot.put_waiting(Item::End);
            })
        };
        let mut seen = Vec::new();
        loop {
            match slot.take(Duration::from_secs(5)) {
                Taken::Item(Item::Frame(frame)) => seen.push(frame.index),
                Taken::Item(Item::End) => break,
                _ => panic!("producer stalled"),
            }
        }
        producer.join().expect("producer finishes");
        assert_eq!(seen, (0..50).collect::<Vec<_>>());
        assert_eq!(slot.overwritten(), 0);
    }

    #[test]
    fn close_wakes_a_waiting_producer_and_consumer() {
        let slot = Arc::new(Slot::new());
        slot.put_newest(frame(0));
        let producer = {
            let slot = Arc::clone(&slot);
            std::thread::spawn(move || slot.put_waiting(frame(1)))
        };
        std::thread::sleep(Duration::from_millis(20));
        slot.close();
        assert!(!producer.join().expect("joins"));
        assert_eq!(index_of(slot.take(Duration::ZERO)), Some(0));
        assert!(matches!(slot.take(Duration::from_secs(5)), Taken::Closed));
    }
}
