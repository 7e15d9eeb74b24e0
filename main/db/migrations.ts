// Numbered schema migrations. The database's PRAGMA user_version is the number of
// migrations applied; each runs in its own transaction, so a crash mid-way leaves the
// previous version intact. Never edit a released migration: add the next one.
//
// SQLite cannot change a CHECK constraint in place: a migration that must, rebuilds the table
// (SQLite's "ALTER TABLE" page, its twelve steps) and begins with FOREIGN_KEYS_OFF, so that
// database.ts runs it with foreign keys off (with them on, dropping the old table would act
// on the rows referring to it, ON DELETE SET NULL) and checks every foreign key before it
// commits.

/** The first line of a migration that database.ts runs with foreign keys off (see above). */
export const FOREIGN_KEYS_OFF = '-- foreign keys off';

export const MIGRATIONS: readonly string[] = [
  // 1: the project schema.
  `
  CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('scan', 'lines')),
    source_path TEXT NOT NULL,
    source_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page_index INTEGER NOT NULL,
    image_hash TEXT NOT NULL,
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    dpi REAL,
    UNIQUE (document_id, page_index)
  );
  CREATE TABLE lines (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    reading_order INTEGER NOT NULL,
    -- JSON arrays of [x, y] points in page pixels.
    polygon TEXT NOT NULL,
    baseline TEXT,
    -- Crop box of the line image in page pixels.
    box_x INTEGER NOT NULL, box_y INTEGER NOT NULL, box_w INTEGER NOT NULL, box_h INTEGER NOT NULL,
    -- File name for pre-cut line images, so transcriptions can be matched back to them.
    source_name TEXT,
    split TEXT NOT NULL DEFAULT 'train' CHECK (split IN ('train', 'validation', 'test')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX lines_page ON lines(page_id, reading_order);
  -- Every save is a new row: the history of a line's text is never overwritten.
  CREATE TABLE transcriptions (
    id INTEGER PRIMARY KEY,
    line_id INTEGER NOT NULL REFERENCES lines(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    -- 'human', 'import:<file>', or 'model:<id>' for machine text kept in the history (never a label).
    source TEXT NOT NULL CHECK (source = 'human' OR source LIKE 'import:%' OR source LIKE 'model:%'),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX transcriptions_line ON transcriptions(line_id, id);
  -- The current label of a line: its newest transcription that a person made or imported.
  CREATE VIEW current_transcriptions AS
    SELECT t.* FROM transcriptions t
    WHERE t.id = (SELECT max(id) FROM transcriptions u WHERE u.line_id = t.line_id AND u.source NOT LIKE 'model:%');
  CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('pretrain', 'finetune')),
    parent_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
    config TEXT NOT NULL,
    metrics TEXT NOT NULL DEFAULT '{}',
    -- Which lines and transcription revisions trained it.
    training_set TEXT NOT NULL DEFAULT '[]',
    weights_hash TEXT NOT NULL,
    backend TEXT,
    duration_s REAL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('pretrain', 'finetune', 'transcribe', 'evaluate', 'segment')),
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
    config TEXT NOT NULL DEFAULT '{}',
    progress TEXT NOT NULL DEFAULT '{}',
    log TEXT NOT NULL DEFAULT '',
    error TEXT,
    model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE TABLE predictions (
    id INTEGER PRIMARY KEY,
    line_id INTEGER NOT NULL REFERENCES lines(id) ON DELETE CASCADE,
    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    confidence REAL NOT NULL,
    char_confidence TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (line_id, model_id)
  );
  `,
  // 2: full-text search over the current human transcription of every line (rowid = line id).
  `
  CREATE VIRTUAL TABLE line_text_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
  CREATE TRIGGER transcriptions_to_fts AFTER INSERT ON transcriptions WHEN NEW.source NOT LIKE 'model:%' BEGIN
    DELETE FROM line_text_fts WHERE rowid = NEW.line_id;
    INSERT INTO line_text_fts (rowid, text) VALUES (NEW.line_id, NEW.text);
  END;
  CREATE TRIGGER lines_out_of_fts AFTER DELETE ON lines BEGIN
    DELETE FROM line_text_fts WHERE rowid = OLD.id;
  END;
  INSERT INTO line_text_fts (rowid, text) SELECT line_id, text FROM current_transcriptions;
  `,
  // 3: a line's earlier shapes, kept when its polygon or baseline is edited (undo, audit),
  // and deleted lines archived whole (geometry and every transcription row) as JSON.
  `
  CREATE TABLE deleted_lines (
    id INTEGER PRIMARY KEY,
    line_id INTEGER NOT NULL,
    page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    line TEXT NOT NULL,
    transcriptions TEXT NOT NULL,
    reason TEXT NOT NULL,
    deleted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE TABLE line_geometry_history (
    id INTEGER PRIMARY KEY,
    line_id INTEGER NOT NULL REFERENCES lines(id) ON DELETE CASCADE,
    polygon TEXT NOT NULL,
    baseline TEXT,
    replaced_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX line_geometry_history_line ON line_geometry_history(line_id);
  `,
  // 4: undo without loss. An undone transcription is withdrawn, never deleted: the current
  // label is the newest row not withdrawn, and search follows it. A line archived by a
  // delete, merge or split can be restored (restored_at), with its model readings and
  // earlier shapes kept beside it (extra). Each undo and redo is itself logged.
  `
  ALTER TABLE transcriptions ADD COLUMN withdrawn_at TEXT;
  DROP VIEW current_transcriptions;
  CREATE VIEW current_transcriptions AS
    SELECT t.* FROM transcriptions t
    WHERE t.id = (SELECT max(id) FROM transcriptions u WHERE u.line_id = t.line_id AND u.source NOT LIKE 'model:%' AND u.withdrawn_at IS NULL);
  DROP TRIGGER transcriptions_to_fts;
  CREATE TRIGGER transcriptions_to_fts AFTER INSERT ON transcriptions WHEN NEW.source NOT LIKE 'model:%' AND NEW.withdrawn_at IS NULL BEGIN
    DELETE FROM line_text_fts WHERE rowid = NEW.line_id;
    INSERT INTO line_text_fts (rowid, text) VALUES (NEW.line_id, NEW.text);
  END;
  CREATE TRIGGER transcriptions_withdrawn_fts AFTER UPDATE OF withdrawn_at ON transcriptions BEGIN
    DELETE FROM line_text_fts WHERE rowid = NEW.line_id;
    INSERT INTO line_text_fts (rowid, text) SELECT line_id, text FROM current_transcriptions WHERE line_id = NEW.line_id;
  END;
  ALTER TABLE deleted_lines ADD COLUMN extra TEXT;
  ALTER TABLE deleted_lines ADD COLUMN restored_at TEXT;
  CREATE INDEX deleted_lines_line ON deleted_lines(line_id);
  CREATE TABLE undo_log (
    id INTEGER PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('undo', 'redo')),
    label TEXT NOT NULL,
    -- JSON: the pages and lines the step touched.
    touched TEXT NOT NULL,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  `,
  // 5: per-project settings as JSON values by key (the current model, the Training panel's
  // last choices), so they travel with the project rather than with one browser's storage.
  `
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  `,
  // 6: text regions of a page (main text, marginal notes, headers…) with PAGE's TextRegion
  // @type (shared/region-types.ts; this list is that one as of this migration), the source's
  // own name for the type where it had another (SegmOnto's MarginTextZone…, kept for export),
  // their reading order, and whether the region is left out of transcription. A line belongs
  // to at most one region; deleting a region leaves its lines unassigned.
  `
  CREATE TABLE regions (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    reading_order INTEGER NOT NULL,
    type TEXT NOT NULL DEFAULT 'paragraph' CHECK (type IN ('paragraph', 'heading', 'caption', 'header', 'footer',
      'page-number', 'drop-capital', 'credit', 'floating', 'signature-mark', 'catch-word', 'marginalia', 'footnote',
      'footnote-continued', 'endnote', 'TOC-entry', 'list-label', 'other')),
    label TEXT,
    -- JSON array of [x, y] points in page pixels.
    polygon TEXT NOT NULL,
    excluded INTEGER NOT NULL DEFAULT 0 CHECK (excluded IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX regions_page ON regions(page_id, reading_order);
  ALTER TABLE lines ADD COLUMN region_id INTEGER REFERENCES regions(id) ON DELETE SET NULL;
  CREATE INDEX lines_region ON lines(region_id);
  `,
  // 7: full-text search over the model's reading of every line (rowid = line id), beside
  // line_text_fts, so Search finds lines no one has transcribed yet. It holds the reading the
  // page screen shows (the line's newest prediction, max(id)), kept by triggers as
  // transcription jobs insert or update readings, and as models or lines are deleted. An
  // index rather than LIKE: a project holds a reading of every line for each model, and a
  // LIKE scan over them all would grow with every transcription run.
  `
  CREATE VIRTUAL TABLE prediction_text_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
  CREATE TRIGGER predictions_to_fts AFTER INSERT ON predictions BEGIN
    DELETE FROM prediction_text_fts WHERE rowid = NEW.line_id;
    INSERT INTO prediction_text_fts (rowid, text) SELECT line_id, text FROM predictions WHERE id = (SELECT max(id) FROM predictions WHERE line_id = NEW.line_id);
  END;
  CREATE TRIGGER predictions_updated_fts AFTER UPDATE OF text ON predictions BEGIN
    DELETE FROM prediction_text_fts WHERE rowid = NEW.line_id;
    INSERT INTO prediction_text_fts (rowid, text) SELECT line_id, text FROM predictions WHERE id = (SELECT max(id) FROM predictions WHERE line_id = NEW.line_id);
  END;
  CREATE TRIGGER predictions_out_of_fts AFTER DELETE ON predictions BEGIN
    DELETE FROM prediction_text_fts WHERE rowid = OLD.line_id;
    INSERT INTO prediction_text_fts (rowid, text) SELECT line_id, text FROM predictions WHERE id = (SELECT max(id) FROM predictions WHERE line_id = OLD.line_id);
  END;
  CREATE TRIGGER lines_out_of_prediction_fts AFTER DELETE ON lines BEGIN
    DELETE FROM prediction_text_fts WHERE rowid = OLD.id;
  END;
  INSERT INTO prediction_text_fts (rowid, text) SELECT line_id, text FROM predictions p WHERE id = (SELECT max(id) FROM predictions q WHERE q.line_id = p.line_id);
  `,
  // 8: which job wrote a reading. Transcription is shared out in chunks between workers
  // (main/queue), and a chunk is redone when its worker dies mid-way: a line this job has
  // already read is then skipped in the same statement that would write it, so every line
  // is read into the table once per job. Readings from before carry no job.
  `
  ALTER TABLE predictions ADD COLUMN job_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL;
  CREATE INDEX predictions_job ON predictions(job_id);
  `,
  // 9: accounts of a team server (`quire serve`) and who made each edit. A user's password
  // is kept as a scrypt hash with its own salt; a session's token only as its SHA-256, so a
  // copy of the database opens no session. The author of a transcription was already a
  // column; a reshaped line, a removed or restored line and an undo or redo name theirs too
  // (on the desktop the author is the project's owner, 'me', as a transcription's is).
  `
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('transcriber', 'reviewer', 'admin')),
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    expires_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX sessions_user ON sessions(user_id);
  ALTER TABLE line_geometry_history ADD COLUMN author TEXT NOT NULL DEFAULT 'me';
  ALTER TABLE deleted_lines ADD COLUMN deleted_by TEXT NOT NULL DEFAULT 'me';
  ALTER TABLE deleted_lines ADD COLUMN restored_by TEXT;
  ALTER TABLE undo_log ADD COLUMN author TEXT NOT NULL DEFAULT 'me';
  `,
  // 10: failed log-ins of a team server, kept in the store so that every server process on
  // it counts the same failures (main/accounts/rate-limit.ts): a name or an address, and when.
  // Old rows are pruned as they leave the window; none is a project's record.
  `
  CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    failed_at TEXT NOT NULL
  );
  CREATE INDEX login_failures_key ON login_failures(key, failed_at);
  `,
  // 11: finding lines on a team server is a job shared out to queue workers (main/queue),
  // 'find-lines' (the jobs table is rebuilt to widen its kind's CHECK: see above), and a page
  // records the job whose found lines it holds, so that a part of that job redone after its
  // worker died, or the job resumed after a cancel, leaves the page as the first run left it.
  `${FOREIGN_KEYS_OFF}
  CREATE TABLE jobs_11 (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('pretrain', 'finetune', 'transcribe', 'evaluate', 'segment', 'find-lines')),
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
    config TEXT NOT NULL DEFAULT '{}',
    progress TEXT NOT NULL DEFAULT '{}',
    log TEXT NOT NULL DEFAULT '',
    error TEXT,
    model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  INSERT INTO jobs_11 (id, kind, state, config, progress, log, error, model_id, created_at, updated_at)
    SELECT id, kind, state, config, progress, log, error, model_id, created_at, updated_at FROM jobs;
  DROP TABLE jobs;
  ALTER TABLE jobs_11 RENAME TO jobs;
  ALTER TABLE pages ADD COLUMN segmented_by_job INTEGER REFERENCES jobs(id) ON DELETE SET NULL;
  `,
  // 12: a region a person drew, imported with a transcription, or retyped stays when the page is
  // segmented again and the segmenter does not find it (a segmenter's own regions are replaced).
  // Regions from before are taken as the segmenter's, as they were treated until now.
  `
  ALTER TABLE regions ADD COLUMN by_hand INTEGER NOT NULL DEFAULT 0 CHECK (by_hand IN (0, 1));
  `,
  // 13: a region's id in the PAGE or ALTO file it was imported from, written again on export
  // as lines' ids are (lines.source_name), so that a tool matching regions by id (eScriptorium,
  // Transkribus) finds them again after a round trip. Null for regions made in the project.
  `
  ALTER TABLE regions ADD COLUMN source_name TEXT;
  `,
  // 14: a document removed from the project (a mistaken import) is set aside, not deleted: its
  // pages, lines and every transcription stay in the database, left out of lists, counts,
  // search, exports and training (line-sets.ts activeDocument), until it is restored.
  `
  ALTER TABLE documents ADD COLUMN removed_at TEXT;
  ALTER TABLE documents ADD COLUMN removed_by TEXT;
  `,
  // 15: a reading's least confident character, the key Review and Annotate next rank lines
  // by, kept beside the characters' confidences: ranking an archive's readings parsed every
  // one's JSON on each call (0.7 s at 50,000 lines, once per Enter in a review run).
  `
  ALTER TABLE predictions ADD COLUMN min_confidence REAL;
  UPDATE predictions SET min_confidence = COALESCE((SELECT min(CAST(value AS REAL)) FROM json_each(predictions.char_confidence)), confidence);
  `,
];
