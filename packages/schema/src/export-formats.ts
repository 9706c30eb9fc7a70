/**
 * The export formats, on their own: a server checks a request's format without loading the renderers
 * (TipTap, ProseMirror, happy-dom), which it runs in a worker thread.
 */
export const EXPORT_FORMATS = ['json', 'html', 'markdown', 'text'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value);
}
