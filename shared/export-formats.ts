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
