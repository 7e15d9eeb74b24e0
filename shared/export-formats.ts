// The formats a project exports to, as the CLI's `quire export --format` and the
// workbench's Export dialog name them.
export const EXPORT_FORMATS = ['page', 'alto', 'text', 'gt'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_FORMAT_LABELS: Record<ExportFormat, string> = {
  page: 'PAGE XML (with page images)',
  alto: 'ALTO XML (with page images)',
  text: 'Plain text (one file per document)',
  gt: 'Ground-truth folder (line images + .gt.txt, human text only)',
};

/** A name as a file name on any system: letters, digits, . _ - kept, the rest as _. */
export const safeFileName = (name: string, fallback: string) =>
  name.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^_+|_+$/g, '') || fallback;

/** The name of an export (its zip, or its folder in the chosen one): project, what, format. */
export function exportName(project: string, documentName: string | null, format: ExportFormat): string {
  return [safeFileName(project, 'project'), documentName === null ? null : safeFileName(documentName, 'document'), format]
    .filter(Boolean)
    .join('-');
}

/**
 * The folder the desktop app exports into, inside the one chosen: the export's name and the
 * local time to the second, so that a second export never goes into the first's folder
 * (exports go into new folders: main/export/export-project.ts).
 */
export function exportFolderName(project: string, documentName: string | null, format: ExportFormat, at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}`;
  return `${exportName(project, documentName, format)}-${date}-${two(at.getHours())}${two(at.getMinutes())}${two(at.getSeconds())}`;
}
