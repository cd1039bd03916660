-- Drafts: text being typed in the window, saved as it is typed so nothing is
-- ever lost, inside the encrypted file (a browser's localStorage would be plaintext).
CREATE TABLE drafts (
    key        TEXT PRIMARY KEY NOT NULL,
    text       TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- Settings chosen by the person (idle lock, reminders, appearance), as JSON values.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
