// The time now as the server store writes it: SQLite's strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
// (UTC, milliseconds, as text), so timestamps move between the stores unchanged. The
// statement's time, as SQLite's 'now' is fixed for a statement.
export const PG_NOW = `(to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;
