/**
 * Hostile files made on the fly (never committed): zip containers written byte by byte, so a
 * test can lie about sizes, nest entity declarations or inflate a megabyte into a gibibyte;
 * image headers claiming huge dimensions.
 */
import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';
import { writeXlsx } from '../../src/sheets/xlsx.ts';

export interface ZipEntry {
  name: string;
  /** The bytes as stored (deflated unless `stored`). */
  compressed: Buffer;
  /** What the headers claim; a liar's numbers go here. */
  claimedSize: number;
  crc: number;
  stored?: boolean;
}

export const deflated = (name: string, data: Buffer | string): ZipEntry => {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
  return { name, compressed: deflateRawSync(bytes), claimedSize: bytes.length, crc: crc32(bytes) };
};

/** A zip archive of the entries (no data descriptors, no ZIP64). */
export function zipOf(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(entry.stored ? 0 : 8, 8);
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.compressed.length, 18);
    local.writeUInt32LE(entry.claimedSize >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(entry.stored ? 0 : 8, 10);
    central.writeUInt32LE(entry.crc >>> 0, 16);
    central.writeUInt32LE(entry.compressed.length, 20);
    central.writeUInt32LE(entry.claimedSize >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, entry.compressed);
    centrals.push(central, name);
    offset += 30 + name.length + entry.compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** `bytes` of `fill` (after `head`) deflated without ever holding them: a bomb's payload. */
export async function deflatedFiller(head: string, fill: number, bytes: number, tail = ''): Promise<Buffer> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const chunk = Buffer.alloc(1024 * 1024, fill);
  deflate.write(head);
  for (let written = 0; written < bytes; written += chunk.length) {
    if (!deflate.write(chunk)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end(tail);
  await done;
  return Buffer.concat(out);
}

const sheetHead = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';

/** The entries of a real one-sheet workbook (from writeXlsx), ready to be tampered with. */
export async function realXlsxEntries(rows: (string | number)[][] = [['姓名'], ['张三']]): Promise<Map<string, Buffer>> {
  const { default: JSZip } = await import('jszip');
  const zip = await JSZip.loadAsync(await writeXlsx([{ name: 'Sheet1', rows }]));
  const entries = new Map<string, Buffer>();
  for (const file of Object.values(zip.files)) if (!file.dir) entries.set(file.name, Buffer.from(await file.async('uint8array')));
  return entries;
}

export async function xlsxWith(replace: Record<string, Buffer | string | ZipEntry>, rows?: (string | number)[][]): Promise<Buffer> {
  const entries = await realXlsxEntries(rows);
  const out: ZipEntry[] = [];
  for (const [name, data] of entries) {
    const given = replace[name];
    out.push(given === undefined ? deflated(name, data) : typeof given === 'string' || Buffer.isBuffer(given) ? deflated(name, given) : given);
  }
  for (const [name, given] of Object.entries(replace)) if (!entries.has(name)) out.push(typeof given === 'string' || Buffer.isBuffer(given) ? deflated(name, given) : given);
  return zipOf(out);
}

/** An XLSX whose worksheet inflates to `bytes` of whitespace while claiming 1,000 bytes. */
export async function xlsxBomb(bytes: number): Promise<Buffer> {
  const compressed = await deflatedFiller(sheetHead, 0x20, bytes, '</sheetData></worksheet>');
  return xlsxWith({ 'xl/worksheets/sheet1.xml': { name: 'xl/worksheets/sheet1.xml', compressed, claimedSize: 1000, crc: 0 } });
}

/** A worksheet of `rows` rows and `columns` cells each, inline strings. */
export function worksheetXml(rows: number, columns: number, cell = (r: number, c: number) => `v${r}-${c}`): string {
  const letters = (n: number) => {
    let s = '';
    for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
    return s;
  };
  const parts = [sheetHead];
  for (let r = 1; r <= rows; r++) {
    parts.push(`<row r="${r}">`);
    for (let c = 1; c <= columns; c++) parts.push(`<c r="${letters(c)}${r}" t="inlineStr"><is><t>${cell(r, c)}</t></is></c>`);
    parts.push('</row>');
  }
  parts.push('</sheetData></worksheet>');
  return parts.join('');
}

export const billionLaughs = (root: string) =>
  `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>${root.replace('><', '>&lol9;<')}`;

/** A PNG signature and IHDR claiming width × height (8-bit RGBA), then an empty IDAT and IEND. */
export function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8);
  ihdr.writeUInt8(6, 9);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateRawSync(Buffer.alloc(0))), chunk('IEND', Buffer.alloc(0))]);
}

/** A JPEG with an SOF0 frame header claiming width × height (then nothing decodable). */
export function jpegClaiming(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}
