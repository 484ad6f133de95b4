-- plumbline history, schema version 2 (from 1): monitoring sessions, per-minute rollups of
-- old samples, and a small key/value table for housekeeping.

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    start_ms   INTEGER NOT NULL,
    end_ms     INTEGER NOT NULL,  -- last commit while running; stop time after a clean exit
    clean_exit INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX sessions_by_end ON sessions (end_ms);

-- One row per minute of rolled-up samples: seconds in each state (s1..s8 by State::code; the
-- majority state is the largest), and mean deviations with how many samples measured them.
CREATE TABLE minutes (
    t    INTEGER PRIMARY KEY,    -- minute start, UTC unix ms
    s1   INTEGER NOT NULL DEFAULT 0,
    s2   INTEGER NOT NULL DEFAULT 0,
    s3   INTEGER NOT NULL DEFAULT 0,
    s4   INTEGER NOT NULL DEFAULT 0,
    s5   INTEGER NOT NULL DEFAULT 0,
    s6   INTEGER NOT NULL DEFAULT 0,
    s7   INTEGER NOT NULL DEFAULT 0,
    s8   INTEGER NOT NULL DEFAULT 0,
    fh   INTEGER,                -- mean forward-head deviation, 0.01 degree
    fh_n INTEGER NOT NULL DEFAULT 0,
    rs   INTEGER,                -- mean rounded-shoulder deviation, 0.01 degree
    rs_n INTEGER NOT NULL DEFAULT 0,
    conf INTEGER                 -- mean confidence, 0.001
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
