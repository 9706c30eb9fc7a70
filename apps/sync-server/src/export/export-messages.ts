/** What the export pool and its render workers say to each other. */
import type { ExportFormat, ExportedDocument } from '@collab/schema';

export type ToWorker =
  /** `imageBase`: where the Markdown export links images, followed by the file's hash. */
  | { kind: 'render'; state: Uint8Array; format: ExportFormat; imageBase: string }
  /** The images the worker asked for, as data: URIs by file hash (HTML embeds them). */
  | { kind: 'images'; images: Array<[sha: string, dataUri: string]> };

export type FromWorker =
  | ({ kind: 'done'; title: string } & ExportedDocument)
  | { kind: 'images'; shas: string[] }
  | { kind: 'unexportable'; message: string }
  | { kind: 'failed'; message: string };
