export { documentExtensions, documentExtensionsWith } from './extensions.js';
export { TableShape } from './table-shape.js';
export { CONTENT_FIELD, META_MAP, TITLE_KEY, readTitle } from './y-doc-layout.js';
export { EXPORT_FORMATS, UnexportableContentError, exportDocument, imageFiles, isExportFormat } from './export-document.js';
export type { ExportFormat, ExportedDocument, ImageSources } from './export-document.js';
export { FILE_SHA, ImageNode } from './image-node.js';
export { IMAGE_TYPES, SNIFF_BYTES, sniffImageType } from './file-types.js';
export type { ImageType } from './file-types.js';
