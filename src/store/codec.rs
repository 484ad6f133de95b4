//! How numbers are kept in the history's rows: degrees in hundredths, confidence in
//! thousandths, states by their code. Shared by the writer (`db`) and the reader (`query`).

use super::types::State;

/// Degrees to stored hundredths (non-finite: not stored).
pub(crate) fn encode_deg(deg: f32) -> Option<i64> {
    deg.is_finite()
        .then(|| (f64::from(deg) * 100.0).round().clamp(-1e9, 1e9) as i64)
}

/// Stored hundredths to degrees.
pub(crate) fn decode_deg(hundredths: i64) -> f32 {
    (hundredths as f64 / 100.0) as f32
}

/// Confidence 0..1 to stored thousandths.
pub(crate) fn encode_confidence(c: f32) -> i64 {
    if c.is_finite() {
        (f64::from(c.clamp(0.0, 1.0)) * 1000.0).round() as i64
    } else {
        0
    }
}

/// Stored thousandths to confidence.
pub(crate) fn decode_confidence(thousandths: i64) -> f32 {
    (thousandths as f64 / 1000.0) as f32
}

/// The state stored as `code`, or `away` for a code this build does not know (cannot happen
/// in files this build accepts; kept total so a bad row never fails a report).
pub(crate) fn decode_state(code: i64) -> State {
    State::from_code(code).unwrap_or(State::Away)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_round_to_their_resolution() {
        assert_eq!(encode_deg(12.345), Some(1235));
        assert_eq!(encode_deg(-0.004), Some(0));
        assert_eq!(encode_deg(f32::NAN), None);
        assert_eq!(decode_deg(1235), 12.35);
        assert_eq!(encode_confidence(0.9876), 988);
        assert_eq!(encode_confidence(7.0), 1000);
        assert_eq!(encode_confidence(f32::NAN), 0);
        assert_eq!(decode_confidence(988), 0.988);
    }
}
