import { describe, expect, it } from 'vitest';
import { dataUriBlob } from './prepare-image';

const bytesOf = async (blob: Blob | null) => [...new Uint8Array(await blob!.arrayBuffer())];

describe('dataUriBlob', () => {
  it('decodes base64 and percent-encoded data: URIs with their media type', async () => {
    const png = dataUriBlob('data:image/png;base64,iVBORw0KGgo=');
    expect(png?.type).toBe('image/png');
    expect(await bytesOf(png)).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const svg = dataUriBlob('data:image/svg+xml;charset=utf-8,%3Csvg%3E');
    expect(svg?.type).toBe('image/svg+xml');
    expect(await svg!.text()).toBe('<svg>');
  });

  it('answers null for what is not a data: URI or does not decode', () => {
    expect(dataUriBlob('https://example.com/a.png')).toBeNull();
    expect(dataUriBlob('data:image/png;base64,@@@')).toBeNull();
    expect(dataUriBlob('data:text/plain,%E0%A4%A')).toBeNull();
  });
});
