/**
 * Extracts the two vendored faces from Debian's font collections (fonts-arphic-uming,
 * fonts-wqy-microhei) into standalone TrueType files under templates/fonts. Embedded bitmap
 * strikes are dropped: PDF viewers draw outlines, and the bitmaps are most of the file size.
 * Run once by a maintainer when updating the fonts; the results are committed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const droppedTables = new Set(['EBDT', 'EBLC', 'EBSC', 'BDF ', 'FFTM']);

interface TableRecord {
  tag: string;
  checksum: number;
  offset: number;
  length: number;
}

function checksum(data: Buffer): number {
  let sum = 0;
  const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
}

/** The offsets of the faces in a TrueType Collection. */
function faceOffsets(ttc: Buffer): number[] {
  if (ttc.toString('latin1', 0, 4) !== 'ttcf') return [0];
  const count = ttc.readUInt32BE(8);
  return Array.from({ length: count }, (_, i) => ttc.readUInt32BE(12 + 4 * i));
}

function tables(ttc: Buffer, faceOffset: number): TableRecord[] {
  const numTables = ttc.readUInt16BE(faceOffset + 4);
  return Array.from({ length: numTables }, (_, i) => {
    const at = faceOffset + 12 + 16 * i;
    return { tag: ttc.toString('latin1', at, at + 4), checksum: ttc.readUInt32BE(at + 4), offset: ttc.readUInt32BE(at + 8), length: ttc.readUInt32BE(at + 12) };
  });
}

function postscriptName(ttc: Buffer, records: TableRecord[]): string | undefined {
  const name = records.find((r) => r.tag === 'name');
  if (!name) return undefined;
  const count = ttc.readUInt16BE(name.offset + 2);
  const storage = name.offset + ttc.readUInt16BE(name.offset + 4);
  for (let i = 0; i < count; i++) {
    const at = name.offset + 6 + 12 * i;
    const [platform, , , nameId, length, offset] = [0, 2, 4, 6, 8, 10].map((d) => ttc.readUInt16BE(at + d)) as [number, number, number, number, number, number];
    if (nameId !== 6) continue;
    const raw = ttc.subarray(storage + offset, storage + offset + length);
    return platform === 1 ? raw.toString('latin1') : raw.swap16().toString('utf16le');
  }
  return undefined;
}

export function extractFace(collection: Buffer, wanted: string): Buffer {
  for (const faceOffset of faceOffsets(collection)) {
    const records = tables(collection, faceOffset);
    if (postscriptName(collection, records) !== wanted) continue;
    const kept = records.filter((r) => !droppedTables.has(r.tag)).sort((a, b) => (a.tag < b.tag ? -1 : 1));
    const headerLength = 12 + 16 * kept.length;
    const header = Buffer.alloc(headerLength);
    collection.copy(header, 0, faceOffset, faceOffset + 4);
    const entrySelector = Math.floor(Math.log2(kept.length));
    header.writeUInt16BE(kept.length, 4);
    header.writeUInt16BE(16 * 2 ** entrySelector, 6);
    header.writeUInt16BE(entrySelector, 8);
    header.writeUInt16BE(16 * kept.length - 16 * 2 ** entrySelector, 10);
    const bodies: Buffer[] = [];
    let offset = headerLength;
    kept.forEach((record, i) => {
      const data = Buffer.from(collection.subarray(record.offset, record.offset + record.length));
      if (record.tag === 'head') data.writeUInt32BE(0, 8); // checkSumAdjustment, recomputed below
      const at = 12 + 16 * i;
      header.write(record.tag, at, 'latin1');
      header.writeUInt32BE(checksum(data), at + 4);
      header.writeUInt32BE(offset, at + 8);
      header.writeUInt32BE(data.length, at + 12);
      const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
      bodies.push(padded);
      offset += padded.length;
    });
    const font = Buffer.concat([header, ...bodies]);
    const head = kept.findIndex((r) => r.tag === 'head');
    const headOffset = header.readUInt32BE(12 + 16 * head + 8);
    font.writeUInt32BE((0xb1b0afba - checksum(font)) >>> 0, headOffset + 8);
    return font;
  }
  throw new Error(`face ${wanted} not found`);
}

const faces = [
  // 17 MiB as TrueType: stored brotli-compressed (5.5 MiB), unpacked by src/pdf/fonts.ts.
  { source: '/usr/share/fonts/truetype/arphic/uming.ttc', face: 'UMingCN', target: 'uming-cn.ttf.br' },
  { source: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', face: 'WenQuanYiMicroHei', target: 'wqy-microhei.ttf' },
];

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const { source, face, target } of faces) {
    const font = extractFace(readFileSync(source), face);
    const out = target.endsWith('.br')
      ? brotliCompressSync(font, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: font.length } })
      : font;
    writeFileSync(join('templates/fonts', target), out);
    console.log(`${target}: ${(out.length / 1048576).toFixed(2)} MiB`);
  }
}
