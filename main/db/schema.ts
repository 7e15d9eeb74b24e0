// The project database's tables and columns as Kysely sees them: the types the query modules
// (main/db/*.ts) build their SQL against. It follows the migrations (migrations.ts); the
// column list below (SCHEMA_COLUMNS) must name exactly this interface's columns (the type
// checker holds them together) and test/unit/db/schema.test.ts holds it to the live schema
// (PRAGMA table_info), so the two cannot drift. A new migration updates both.
import type { ColumnType, Generated } from 'kysely';

/** A column the database fills in (DEFAULT) that may also be written. */
type Defaulted<T> = Generated<T>;
/** JSON text: the query modules parse and stringify it. */
type Json = string;

export interface DocumentsTable {
  id: Generated<number>;
  name: string;
  kind: 'scan' | 'lines';
  source_path: string;
  source_hash: string;
  created_at: Defaulted<string>;
  /** Set aside by a person (restorable): when, and by whom. Null for a document in the project. */
  removed_at: Defaulted<string | null>;
  removed_by: Defaulted<string | null>;
}

export interface PagesTable {
  id: Generated<number>;
  document_id: number;
  page_index: number;
  image_hash: string;
  width: number;
  height: number;
  dpi: number | null;
  /** The find-lines job (main/queue) whose found lines the page holds, if one wrote them. */
  segmented_by_job: number | null;
}

export interface LinesTable {
  id: Generated<number>;
  page_id: number;
  reading_order: number;
  polygon: Json;
  baseline: Json | null;
  box_x: number;
  box_y: number;
  box_w: number;
  box_h: number;
  source_name: string | null;
  split: Defaulted<'train' | 'validation' | 'test'>;
  created_at: Defaulted<string>;
  region_id: number | null;
}

export interface TranscriptionsTable {
  id: Generated<number>;
  line_id: number;
  text: string;
  author: string;
  source: string;
  created_at: Defaulted<string>;
  withdrawn_at: string | null;
}

/** A view: the current label of each line (migration 4). Read only. */
export interface CurrentTranscriptionsView {
  id: ColumnType<number, never, never>;
  line_id: ColumnType<number, never, never>;
  text: ColumnType<string, never, never>;
  author: ColumnType<string, never, never>;
  source: ColumnType<string, never, never>;
  created_at: ColumnType<string, never, never>;
  withdrawn_at: ColumnType<string | null, never, never>;
}

export interface ModelsTable {
  id: Generated<number>;
  name: string;
  kind: 'pretrain' | 'finetune';
  parent_id: number | null;
  config: Json;
  metrics: Defaulted<Json>;
  training_set: Defaulted<Json>;
  weights_hash: string;
  backend: string | null;
  duration_s: number | null;
  created_at: Defaulted<string>;
}

export interface JobsTable {
  id: Generated<number>;
  kind: 'pretrain' | 'finetune' | 'transcribe' | 'evaluate' | 'segment' | 'find-lines';
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
  config: Defaulted<Json>;
  progress: Defaulted<Json>;
  log: Defaulted<string>;
  error: string | null;
  model_id: number | null;
  created_at: Defaulted<string>;
  updated_at: Defaulted<string>;
}

export interface PredictionsTable {
  id: Generated<number>;
  line_id: number;
  model_id: number;
  text: string;
  confidence: number;
  char_confidence: Json;
  created_at: Defaulted<string>;
  /** The job that wrote this reading (migration 8); null for older readings. */
  job_id: number | null;
  /** The least confident character's confidence (the line's when it has none): what Review and Annotate next rank by (migration 15). */
  min_confidence: Defaulted<number | null>;
}

export interface DeletedLinesTable {
  id: Generated<number>;
  line_id: number;
  page_id: number;
  line: Json;
  transcriptions: Json;
  reason: string;
  deleted_at: Defaulted<string>;
  extra: Json | null;
  restored_at: string | null;
  /** Who removed the line (an account's name on a team server, 'me' on the desktop). */
  deleted_by: Defaulted<string>;
  restored_by: string | null;
}

export interface LineGeometryHistoryTable {
  id: Generated<number>;
  line_id: number;
  polygon: Json;
  baseline: Json | null;
  replaced_at: Defaulted<string>;
  /** Who replaced this shape with a newer one. */
  author: Defaulted<string>;
}

export interface UndoLogTable {
  id: Generated<number>;
  action: 'undo' | 'redo';
  label: string;
  touched: Json;
  at: Defaulted<string>;
  author: Defaulted<string>;
}

export interface UsersTable {
  id: Generated<number>;
  name: string;
  role: 'transcriber' | 'reviewer' | 'admin';
  /** scrypt$N$r$p$salt$hash (main/accounts/passwords.ts). */
  password_hash: string;
  /** 0 or 1. */
  disabled: Defaulted<number>;
  created_at: Defaulted<string>;
}

/** A failed log-in of a team server: the name or address it counts against, and when (ISO 8601). */
export interface LoginFailuresTable {
  id: Generated<number>;
  key: string;
  failed_at: string;
}

export interface SessionsTable {
  id: Generated<number>;
  /** SHA-256 of the session token, hex: the token itself is never stored. */
  token_hash: string;
  user_id: number;
  created_at: Defaulted<string>;
  expires_at: string;
  last_seen_at: Defaulted<string>;
}

export interface SettingsTable {
  key: string;
  value: Json;
  updated_at: Defaulted<string>;
}

export interface RegionsTable {
  id: Generated<number>;
  page_id: number;
  reading_order: number;
  type: Defaulted<string>;
  label: string | null;
  polygon: Json;
  /** 0 or 1. */
  excluded: Defaulted<number>;
  created_at: Defaulted<string>;
  /** 1: drawn by a person, imported with a transcription, or retyped; 0: as a segmenter found it. */
  by_hand: Defaulted<number>;
  /** Its id in the PAGE or ALTO file it was imported from (written again on export); null when made here. */
  source_name: string | null;
}

/** FTS5 tables (rowid = line id), kept by triggers; queried with MATCH through the `sql` tag (search.ts). */
export interface FtsTable {
  text: string;
}

export interface Database {
  documents: DocumentsTable;
  pages: PagesTable;
  lines: LinesTable;
  transcriptions: TranscriptionsTable;
  current_transcriptions: CurrentTranscriptionsView;
  models: ModelsTable;
  jobs: JobsTable;
  predictions: PredictionsTable;
  deleted_lines: DeletedLinesTable;
  line_geometry_history: LineGeometryHistoryTable;
  undo_log: UndoLogTable;
  settings: SettingsTable;
  regions: RegionsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  line_text_fts: FtsTable;
  prediction_text_fts: FtsTable;
}

/** Every table's columns, exactly those of `Database` (a missing or extra name does not type-check). */
type Columns = { [T in keyof Database]-?: { [C in keyof Database[T]]-?: true } };

export const SCHEMA_COLUMNS: Columns = {
  documents: {
    id: true,
    name: true,
    kind: true,
    source_path: true,
    source_hash: true,
    created_at: true,
    removed_at: true,
    removed_by: true,
  },
  pages: { id: true, document_id: true, page_index: true, image_hash: true, width: true, height: true, dpi: true, segmented_by_job: true },
  lines: {
    id: true,
    page_id: true,
    reading_order: true,
    polygon: true,
    baseline: true,
    box_x: true,
    box_y: true,
    box_w: true,
    box_h: true,
    source_name: true,
    split: true,
    created_at: true,
    region_id: true,
  },
  transcriptions: { id: true, line_id: true, text: true, author: true, source: true, created_at: true, withdrawn_at: true },
  current_transcriptions: { id: true, line_id: true, text: true, author: true, source: true, created_at: true, withdrawn_at: true },
  models: {
    id: true,
    name: true,
    kind: true,
    parent_id: true,
    config: true,
    metrics: true,
    training_set: true,
    weights_hash: true,
    backend: true,
    duration_s: true,
    created_at: true,
  },
  jobs: {
    id: true,
    kind: true,
    state: true,
    config: true,
    progress: true,
    log: true,
    error: true,
    model_id: true,
    created_at: true,
    updated_at: true,
  },
  predictions: {
    id: true,
    line_id: true,
    model_id: true,
    text: true,
    confidence: true,
    char_confidence: true,
    created_at: true,
    job_id: true,
    min_confidence: true,
  },
  deleted_lines: {
    id: true,
    line_id: true,
    page_id: true,
    line: true,
    transcriptions: true,
    reason: true,
    deleted_at: true,
    extra: true,
    restored_at: true,
    deleted_by: true,
    restored_by: true,
  },
  line_geometry_history: { id: true, line_id: true, polygon: true, baseline: true, replaced_at: true, author: true },
  undo_log: { id: true, action: true, label: true, touched: true, at: true, author: true },
  settings: { key: true, value: true, updated_at: true },
  regions: {
    id: true,
    page_id: true,
    reading_order: true,
    type: true,
    label: true,
    polygon: true,
    excluded: true,
    created_at: true,
    by_hand: true,
    source_name: true,
  },
  users: { id: true, name: true, role: true, password_hash: true, disabled: true, created_at: true },
  sessions: { id: true, token_hash: true, user_id: true, created_at: true, expires_at: true, last_seen_at: true },
  login_failures: { id: true, key: true, failed_at: true },
  line_text_fts: { text: true },
  prediction_text_fts: { text: true },
};
