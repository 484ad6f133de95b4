//! `plumbline export`: every sample, minute row and event of a range of local days, in time
//! order, as CSV or JSON lines, streamed one day at a time to any writer.
//!
//! CSV columns: `record,time_ms,local_time,state,seconds,forward_head_dev_deg,
//! rounded_shoulder_dev_deg,confidence,kind,detail`, where `record` is `sample` (one second),
//! `minute` (a rolled-up minute: `state` the majority, `seconds` recorded, `detail` the seconds
//! per state as JSON) or `event` (`kind` and `detail` JSON). JSON lines carry the same fields,
//! per record type, with `null` for missing numbers.

use std::io::Write;

use serde_json::{Value, json};

use super::calendar::{Date, MS_PER_S, Zone};
use super::error::StoreError;
use super::query::{Piece, Query};
use super::types::StoredEvent;

/// The CSV header line (without the newline).
pub const CSV_HEADER: &str = "record,time_ms,local_time,state,seconds,forward_head_dev_deg,\
rounded_shoulder_dev_deg,confidence,kind,detail";

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON object per line.
    JsonLines,
}

impl ExportFormat {
    /// `csv` or `jsonl`.
    pub fn parse(name: &str) -> Option<ExportFormat> {
        match name {
            "csv" => Some(ExportFormat::Csv),
            "jsonl" | "json-lines" | "ndjson" => Some(ExportFormat::JsonLines),
            _ => None,
        }
    }
}

/// How many records an export wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExportCounts {
    /// Per-second samples.
    pub samples: u64,
    /// Rolled-up minute rows.
    pub minutes: u64,
    /// Events.
    pub events: u64,
}

/// One record of an export, as JSON (the JSON-lines form; CSV flattens it).
pub fn piece_json(piece: &Piece, zone: Zone) -> Value {
    match piece {
        Piece::Sample(s) => json!({
            "record": "sample",
            "time_ms": s.time_ms,
            "local_time": zone.local_time(s.time_ms).rfc3339(),
            "state": s.state,
            "seconds": 1,
            "forward_head_dev_deg": num(s.forward_head_dev_deg),
            "rounded_shoulder_dev_deg": num(s.rounded_shoulder_dev_deg),
            "confidence": num(Some(s.confidence)),
        }),
        Piece::Minute(m) => json!({
            "record": "minute",
            "time_ms": m.time_ms,
            "local_time": zone.local_time(m.time_ms).rfc3339(),
            "state": m.state(),
            "seconds": m.durations.total_ms() / MS_PER_S,
            "forward_head_dev_deg": num(m.forward_head_dev_deg),
            "rounded_shoulder_dev_deg": num(m.rounded_shoulder_dev_deg),
            "confidence": num(m.confidence),
            "state_seconds": state_seconds(piece),
        }),
    }
}

/// An event as a JSON-lines record.
pub fn event_json(event: &StoredEvent, zone: Zone) -> Value {
    json!({
        "record": "event",
        "time_ms": event.time_ms,
        "local_time": zone.local_time(event.time_ms).rfc3339(),
        "kind": event.kind,
        "detail": event.detail,
    })
}

/// An f32 as JSON with its shortest decimal form (0.9, not 0.8999999761581421).
fn num(value: Option<f32>) -> Value {
    value
        .and_then(|v| v.to_string().parse::<f64>().ok())
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

fn state_seconds(piece: &Piece) -> Value {
    let Piece::Minute(m) = piece else {
        return Value::Null;
    };
    let map: serde_json::Map<String, Value> = m
        .durations
        .iter()
        .filter(|(_, ms)| *ms > 0)
        .map(|(s, ms)| (s.as_str().to_string(), json!(ms / MS_PER_S)))
        .collect();
    Value::Object(map)
}

/// Quotes a CSV field when it needs it (RFC 4180).
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn csv_value(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => csv_field(s),
        other => csv_field(&other.to_string()),
    }
}

/// The CSV line (no newline) for a JSON record made by [`piece_json`] or [`event_json`].
pub fn csv_line(record: &Value) -> String {
    let detail = match record.get("record").and_then(Value::as_str) {
        Some("minute") => record.get("state_seconds"),
        Some("event") => record.get("detail"),
        _ => None,
    };
    let detail = match detail {
        Some(Value::Null) | None => String::new(),
        Some(v) => csv_field(&v.to_string()),
    };
    let field = |key: &str| record.get(key).map(csv_value).unwrap_or_default();
    [
        field("record"),
        field("time_ms"),
        field("local_time"),
        field("state"),
        field("seconds"),
        field("forward_head_dev_deg"),
        field("rounded_shoulder_dev_deg"),
        field("confidence"),
        field("kind"),
        detail,
    ]
    .join(",")
}

/// Writes local days `from..=to` to `out`, oldest first, records in time order (events after
/// samples of the same millisecond).
pub fn export_range(
    query: &Query<'_>,
    from: Date,
    to: Date,
    zone: Zone,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<ExportCounts, StoreError> {
    if to < from {
        return Err(StoreError::InvalidRange {
            from: from.to_string(),
            to: to.to_string(),
        });
    }
    let io = |source| StoreError::Export { source };
    let mut counts = ExportCounts::default();
    if format == ExportFormat::Csv {
        writeln!(out, "{CSV_HEADER}").map_err(io)?;
    }
    let mut date = from;
    while date <= to {
        let (start, end) = zone.day_range_ms(date);
        let pieces = query.pieces(start, end)?;
        let events = query.events(start, end)?;
        let mut events = events.iter().peekable();
        let write = |record: Value, out: &mut dyn Write| -> Result<(), StoreError> {
            match format {
                ExportFormat::Csv => writeln!(out, "{}", csv_line(&record)),
                ExportFormat::JsonLines => writeln!(out, "{record}"),
            }
            .map_err(io)
        };
        for piece in &pieces {
            while let Some(event) = events.next_if(|e| e.time_ms < piece.time_ms()) {
                write(event_json(event, zone), out)?;
                counts.events += 1;
            }
            write(piece_json(piece, zone), out)?;
            match piece {
                Piece::Sample(_) => counts.samples += 1,
                Piece::Minute(_) => counts.minutes += 1,
            }
        }
        for event in events {
            write(event_json(event, zone), out)?;
            counts.events += 1;
        }
        date = date.add_days(1);
    }
    out.flush().map_err(io)?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::types::{EventKind, Sample, State};

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("upright"), "upright");
        assert_eq!(
            csv_field("{\"a\":1,\"b\":2}"),
            "\"{\"\"a\"\":1,\"\"b\"\":2}\""
        );
    }

    #[test]
    fn records_flatten_to_the_header_columns() {
        let zone = Zone::Fixed(3600);
        let sample = Piece::Sample(Sample {
            time_ms: 1_000,
            state: State::Slouching,
            forward_head_dev_deg: Some(12.5),
            rounded_shoulder_dev_deg: None,
            confidence: 0.75,
        });
        let line = csv_line(&piece_json(&sample, zone));
        assert_eq!(
            line,
            "sample,1000,1970-01-01T01:00:01.000+01:00,slouching,1,12.5,,0.75,,"
        );
        let event = StoredEvent::new(2_000, EventKind::Snooze).with("minutes", 15);
        let line = csv_line(&event_json(&event, zone));
        assert_eq!(
            line,
            "event,2000,1970-01-01T01:00:02.000+01:00,,,,,,snooze,\"{\"\"minutes\"\":15}\""
        );
        assert_eq!(
            CSV_HEADER.split(',').count(),
            line.split(',').count(),
            "one field per column"
        );
    }
}
