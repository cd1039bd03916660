-- Asymptote journal schema, version 1.
-- Times: `at` is the moment of the item in UTC (RFC 3339), `offset_secs` the
-- person's UTC offset then, `day` their local calendar day (YYYY-MM-DD).
-- A shipped migration is never edited: add a new numbered file instead.

CREATE TABLE purposes (
    id          TEXT PRIMARY KEY NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    at          TEXT NOT NULL,
    offset_secs INTEGER NOT NULL,
    day         TEXT NOT NULL,
    private     INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
    title       TEXT NOT NULL CHECK (length(title) > 0),
    whom        TEXT,
    why         TEXT
) STRICT;

CREATE TABLE challenges (
    id               TEXT PRIMARY KEY NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    at               TEXT NOT NULL,
    offset_secs      INTEGER NOT NULL,
    day              TEXT NOT NULL,
    private          INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
    skill            TEXT NOT NULL CHECK (length(skill) > 0),
    goal             TEXT,
    measure_name     TEXT,
    measure_unit     TEXT,
    higher_is_better INTEGER NOT NULL DEFAULT 1 CHECK (higher_is_better IN (0, 1)),
    difficulty       REAL,
    target_rate      REAL NOT NULL DEFAULT 0.85 CHECK (target_rate > 0 AND target_rate < 1),
    status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'done'))
) STRICT;

CREATE TABLE challenge_purposes (
    challenge_id TEXT NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    purpose_id   TEXT NOT NULL REFERENCES purposes(id) ON DELETE CASCADE,
    PRIMARY KEY (challenge_id, purpose_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX challenge_purposes_by_purpose ON challenge_purposes(purpose_id);

CREATE TABLE sessions (
    id               TEXT PRIMARY KEY NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    at               TEXT NOT NULL,
    offset_secs      INTEGER NOT NULL,
    day              TEXT NOT NULL,
    private          INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
    challenge_id     TEXT NOT NULL REFERENCES challenges(id) ON DELETE RESTRICT,
    duration_min     REAL CHECK (duration_min IS NULL OR duration_min >= 0),
    sub_skill        TEXT,
    difficulty       REAL,
    predicted_rate   REAL CHECK (predicted_rate IS NULL OR (predicted_rate >= 0 AND predicted_rate <= 1)),
    attempts         INTEGER CHECK (attempts IS NULL OR attempts >= 0),
    successes        INTEGER CHECK (successes IS NULL OR (successes >= 0 AND successes <= attempts)),
    performance      REAL,
    effort           INTEGER CHECK (effort IS NULL OR effort BETWEEN 1 AND 10),
    challenge_rating INTEGER CHECK (challenge_rating IS NULL OR challenge_rating BETWEEN 1 AND 10),
    skill_rating     INTEGER CHECK (skill_rating IS NULL OR skill_rating BETWEEN 1 AND 10),
    next_step        TEXT,
    notes            TEXT
) STRICT;
CREATE INDEX sessions_by_challenge ON sessions(challenge_id, at);
CREATE INDEX sessions_by_day ON sessions(day);

CREATE TABLE feedback (
    id         TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('self', 'coach', 'peer', 'recording', 'metric')),
    delay_min  REAL CHECK (delay_min IS NULL OR delay_min >= 0),
    worked     TEXT,
    change     TEXT
) STRICT;
CREATE INDEX feedback_by_session ON feedback(session_id, position);

CREATE TABLE reflections (
    id          TEXT PRIMARY KEY NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    at          TEXT NOT NULL,
    offset_secs INTEGER NOT NULL,
    day         TEXT NOT NULL,
    private     INTEGER NOT NULL DEFAULT 1 CHECK (private IN (0, 1)),
    text        TEXT,
    description TEXT,
    feelings    TEXT,
    evaluation  TEXT,
    analysis    TEXT,
    conclusion  TEXT,
    action_plan TEXT
) STRICT;
CREATE INDEX reflections_by_day ON reflections(day);

CREATE TABLE reflection_tags (
    reflection_id TEXT NOT NULL REFERENCES reflections(id) ON DELETE CASCADE,
    tag           TEXT NOT NULL,
    PRIMARY KEY (reflection_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX reflection_tags_by_tag ON reflection_tags(tag);

CREATE TABLE reflection_sessions (
    reflection_id TEXT NOT NULL REFERENCES reflections(id) ON DELETE CASCADE,
    session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    PRIMARY KEY (reflection_id, session_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX reflection_sessions_rev ON reflection_sessions(session_id);

CREATE TABLE reflection_challenges (
    reflection_id TEXT NOT NULL REFERENCES reflections(id) ON DELETE CASCADE,
    challenge_id  TEXT NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
    PRIMARY KEY (reflection_id, challenge_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX reflection_challenges_rev ON reflection_challenges(challenge_id);

CREATE TABLE reflection_purposes (
    reflection_id TEXT NOT NULL REFERENCES reflections(id) ON DELETE CASCADE,
    purpose_id    TEXT NOT NULL REFERENCES purposes(id) ON DELETE CASCADE,
    PRIMARY KEY (reflection_id, purpose_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX reflection_purposes_rev ON reflection_purposes(purpose_id);

CREATE TABLE checkins (
    id          TEXT PRIMARY KEY NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    at          TEXT NOT NULL,
    offset_secs INTEGER NOT NULL,
    day         TEXT NOT NULL,
    private     INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
    task        INTEGER NOT NULL CHECK (task BETWEEN 1 AND 7),
    time        INTEGER NOT NULL CHECK (time BETWEEN 1 AND 7),
    technique   INTEGER NOT NULL CHECK (technique BETWEEN 1 AND 7),
    team        INTEGER NOT NULL CHECK (team BETWEEN 1 AND 7),
    note        TEXT
) STRICT;
CREATE INDEX checkins_by_day ON checkins(day);

CREATE TABLE audit_items (
    id          TEXT PRIMARY KEY NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    at          TEXT NOT NULL,
    offset_secs INTEGER NOT NULL,
    day         TEXT NOT NULL,
    private     INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
    kind        TEXT NOT NULL CHECK (kind IN ('reward', 'punishment', 'task')),
    description TEXT NOT NULL CHECK (length(description) > 0),
    contingency TEXT,
    task_type   TEXT CHECK (task_type IS NULL OR task_type IN ('algorithmic', 'heuristic')),
    note        TEXT
) STRICT;
CREATE INDEX audit_items_by_day ON audit_items(day);

CREATE INDEX purposes_by_day ON purposes(day);
CREATE INDEX challenges_by_day ON challenges(day);

-- Full-text search lives inside the encrypted file, so the index leaks nothing.
-- Prefix indexes make prefix queries ("prac*") fast.
CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED,
    item_id UNINDEXED,
    day UNINDEXED,
    body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);
