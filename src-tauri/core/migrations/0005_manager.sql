-- The manager's space: what a manager received from their people, and their own
-- one-on-one agenda. It lives inside the same encrypted file as everything else,
-- and no export reads these tables (they are never part of anyone's export).

-- The people whose bundles this manager receives.
CREATE TABLE mgr_people (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at TEXT NOT NULL
) STRICT;

-- The minisign public keys the manager trusts for each person.
CREATE TABLE mgr_trusted_keys (
    id         TEXT PRIMARY KEY NOT NULL,
    person_id  TEXT NOT NULL REFERENCES mgr_people(id) ON DELETE CASCADE,
    key_id     TEXT NOT NULL UNIQUE,       -- minisign's key id, 16 hex digits
    public_key TEXT NOT NULL,              -- the base64 key line
    added_at   TEXT NOT NULL
) STRICT;
CREATE INDEX mgr_trusted_keys_person ON mgr_trusted_keys(person_id);

-- Bundles received, verified and parsed; read-only once stored.
CREATE TABLE mgr_bundles (
    id            TEXT PRIMARY KEY NOT NULL,
    person_id     TEXT NOT NULL REFERENCES mgr_people(id) ON DELETE RESTRICT,
    received_at   TEXT NOT NULL,
    file_sha256   TEXT NOT NULL,           -- of the file as received (encrypted or not)
    signer_key_id TEXT NOT NULL,
    period_from   TEXT,                    -- local days the bundle covers, when it says
    period_to     TEXT,
    bundle_json   TEXT NOT NULL,           -- the verified, decrypted bundle
    UNIQUE (person_id, file_sha256)
) STRICT;
CREATE INDEX mgr_bundles_person ON mgr_bundles(person_id, received_at);

-- The one-on-one agenda: talking points (carried forward until closed), action
-- items (owner, due date) and the manager's own notes.
CREATE TABLE mgr_agenda (
    id         TEXT PRIMARY KEY NOT NULL,
    person_id  TEXT NOT NULL REFERENCES mgr_people(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('point', 'action', 'note')),
    text       TEXT NOT NULL,
    owner      TEXT,
    due        TEXT,                       -- YYYY-MM-DD
    created_at TEXT NOT NULL,
    closed_at  TEXT,
    CHECK (kind = 'action' OR (owner IS NULL AND due IS NULL))
) STRICT;
CREATE INDEX mgr_agenda_person ON mgr_agenda(person_id, kind, closed_at);

-- One-on-ones marked as held: the points still open then were carried forward.
CREATE TABLE mgr_meetings (
    id         TEXT PRIMARY KEY NOT NULL,
    person_id  TEXT NOT NULL REFERENCES mgr_people(id) ON DELETE CASCADE,
    held_on    TEXT NOT NULL,              -- YYYY-MM-DD
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX mgr_meetings_person ON mgr_meetings(person_id, created_at);
