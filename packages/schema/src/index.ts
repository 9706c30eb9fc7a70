export { documentExtensions } from './extensions.js';
export { CONTENT_FIELD, META_MAP, TITLE_KEY, readTitle } from './y-doc-layout.js';
export { EXPORT_FORMATS, UnexportableContentError, exportDocument, isExportFormat } from './export-document.js';
export type { ExportFormat, ExportedDocument } from './export-document.js';
