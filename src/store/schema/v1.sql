-- plumbline history, schema version 1: per-second samples and events.
-- Times are UTC unix milliseconds. Kept as it shipped: tests create a version-1 file from it.

CREATE TABLE samples (
    t     INTEGER PRIMARY KEY,  -- the second, UTC unix ms (a multiple of 1000)
    state INTEGER NOT NULL,     -- store::State::code
    fh    INTEGER,              -- forward-head deviation, 0.01 degree; NULL = not measured
    rs    INTEGER,              -- rounded-shoulder deviation, 0.01 degree; NULL = not measured
    conf  INTEGER NOT NULL      -- confidence, 0.001 (0..1000)
);

CREATE TABLE events (
    id     INTEGER PRIMARY KEY,
    t      INTEGER NOT NULL,    -- UTC unix ms
    kind   TEXT NOT NULL,       -- store::EventKind name, snake_case
    detail TEXT NOT NULL DEFAULT '{}'  -- JSON object
);

CREATE INDEX events_by_time ON events (t);
