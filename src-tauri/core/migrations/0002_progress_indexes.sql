-- Covering indexes so progress reads sessions from the index alone, without
-- visiting the table: at ten years of daily use the table's pages are spread
-- across the file, and each page read is a decryption.
CREATE INDEX sessions_progress ON sessions(
    challenge_id, at, id, duration_min, difficulty, attempts, successes, performance,
    challenge_rating, skill_rating
);
CREATE INDEX sessions_ratings ON sessions(challenge_rating, skill_rating)
    WHERE challenge_rating IS NOT NULL AND skill_rating IS NOT NULL;
