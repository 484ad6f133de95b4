//! What plumbline itself costs the machine: process CPU time and memory, read from the kernel.
//! Used by `analyze --stats`, the benchmarks and the app's own CPU display.

use std::time::Duration;

/// CPU time used by the whole process so far (user + system, all threads).
pub fn process_cpu_time() -> Duration {
    let mut spec = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes into the timespec we pass; the clock id is a constant.
    #[allow(unsafe_code)]
    let status = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut spec) };
    if status != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        spec.tv_sec.max(0) as u64,
        spec.tv_nsec.clamp(0, 999_999_999) as u32,
    )
}

/// Resident memory now and at its peak, in bytes (Linux `/proc/self/status`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Memory {
    pub resident: u64,
    pub peak_resident: u64,
}

/// Reads the process's memory figures; zeros where the kernel does not say.
pub fn memory() -> Memory {
    std::fs::read_to_string("/proc/self/status")
        .map(|status| parse_status(&status))
        .unwrap_or_default()
}

fn parse_status(status: &str) -> Memory {
    let kilobytes = |key: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(key))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|value| value.parse::<u64>().ok())
            .map_or(0, |value| value * 1024)
    };
    Memory {
        resident: kilobytes("VmRSS:"),
        peak_resident: kilobytes("VmHWM:"),
    }
}

/// Share of one core used between two readings: CPU time over wall time.
pub fn core_share(cpu: Duration, wall: Duration) -> f64 {
    if wall.is_zero() {
        0.0
    } else {
        cpu.as_secs_f64() / wall.as_secs_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_advances_with_work() {
        let before = process_cpu_time();
        let mut sum = 0u64;
        for value in 0..20_000_000u64 {
            sum = sum.wrapping_add(value * value);
        }
        assert!(sum > 0);
        assert!(process_cpu_time() > before);
    }

    #[test]
    fn reads_memory_lines() {
        let status = "Name:\tx\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n";
        assert_eq!(
            parse_status(status),
            Memory {
                resident: 1024 * 1024,
                peak_resident: 2048 * 1024
            }
        );
        assert!(memory().peak_resident > 0);
    }

    #[test]
    fn core_share_is_cpu_over_wall() {
        assert_eq!(
            core_share(Duration::from_millis(50), Duration::from_secs(1)),
            0.05
        );
        assert_eq!(core_share(Duration::from_millis(50), Duration::ZERO), 0.0);
    }
}
