// Shared output helpers: human text on a TTY, one JSON document with --json.
export function printResult(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human() + '\n');
}

export function table(rows: Array<Record<string, string | number>>): string {
  if (rows.length === 0) return '(none)';
  const keys = Object.keys(rows[0]);
  const cell = (r: Record<string, string | number>, k: string) => printable(String(r[k]));
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => cell(r, k).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(keys), ...rows.map((r) => line(keys.map((k) => cell(r, k))))].join('\n');
}

/**
 * A name from the file system or an imported file, safe to print on a terminal: control
 * characters (ESC sequences could rewrite the screen, a newline fake an output line),
 * DEL, C1 controls and the Unicode line separators and direction overrides are shown as
 * escapes (\n, \x1b, \u202e) instead of being sent raw. Backslashes are doubled so an
 * escape can't be forged by a name that spells one.
 */
export function printable(text: string): string {
  return text.replace(/[\\\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const named: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    if (named[c]) return named[c];
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
