-- One-on-one sharing: the record of what was shared, when, in which format, for whom.
-- Kept inside the encrypted journal; item ids only, never entry text.
CREATE TABLE share_records (
    id          TEXT PRIMARY KEY NOT NULL,
    at          TEXT NOT NULL,
    offset_secs INTEGER NOT NULL,
    day         TEXT NOT NULL,
    format      TEXT NOT NULL CHECK (format IN ('json', 'md', 'html', 'csv', 'pdf')),
    recipient   TEXT,
    file_name   TEXT NOT NULL,
    from_day    TEXT NOT NULL,
    to_day      TEXT NOT NULL,
    item_ids    TEXT NOT NULL,  -- JSON array of the ids the file holds
    agenda      INTEGER NOT NULL DEFAULT 0,  -- how many agenda questions
    bytes       INTEGER NOT NULL,
    sha256      TEXT NOT NULL   -- of the file as written
) STRICT;
CREATE INDEX share_records_by_time ON share_records(at);
