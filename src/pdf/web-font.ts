/**
 * A TrueType font for browsers from one vendored face and a set of code points. The PDF
 * subsetter (truetype-subset.ts) writes only the tables a PDF viewer reads; a browser's font
 * sanitizer also wants cmap, OS/2, name and post, written here (cmap formats 4 and 12, so
 * characters beyond the BMP such as CJK Extension B map too).
 */
import type { FontFace } from './fonts.ts';

/** The subset as an sfnt file, and the code points it covers (those the face has glyphs for). */
export function webFontSubset(face: FontFace, codePoints: Iterable<number>, familyName: string): { font: Uint8Array; covered: number[] } {
  const covered = [...new Set(codePoints)].filter((cp) => face.glyph(cp) !== undefined).sort((a, b) => a - b);
  const gids: number[] = [];
  const indexOf = new Map<number, number>();
  const map: [codePoint: number, glyph: number][] = [];
  for (const cp of covered) {
    const gid = face.glyph(cp)!.gid;
    let index = indexOf.get(gid);
    if (index === undefined) {
      index = gids.push(gid) - 1;
      indexOf.set(gid, index);
    }
    map.push([cp, index + 1]); // glyph 0 is .notdef
  }
  const source = face.file;
  const post = source.tableBytes('post')!.slice(0, 32);
  new DataView(post.buffer).setUint32(0, 0x00030000); // version 3: no glyph names
  const font = source.subset(gids, [
    ['cmap', cmapTable(map)],
    ['OS/2', source.tableBytes('OS/2')!.slice()],
    ['name', nameTable(familyName, `Subset of ${face.font.postscriptName} (templates/fonts, licence alongside)`)],
    ['post', post],
  ]);
  return { font, covered };
}

/** Runs of consecutive code points mapped to consecutive glyphs. */
function runs(map: [number, number][]): [start: number, end: number, glyph: number][] {
  const out: [number, number, number][] = [];
  for (const [cp, glyph] of map) {
    const last = out.at(-1);
    if (last && cp === last[1] + 1 && glyph === last[2] + (cp - last[0])) last[1] = cp;
    else out.push([cp, cp, glyph]);
  }
  return out;
}

function cmapTable(map: [number, number][]): Uint8Array {
  const bmp = runs(map.filter(([cp]) => cp <= 0xfffe));
  const all = runs(map);
  // Format 4 (BMP): one segment per run plus the closing 0xFFFF segment; idDelta maps the run.
  const segments = [...bmp.map(([start, end, glyph]) => [start, end, (glyph - start) & 0xffff] as const), [0xffff, 0xffff, 1] as const];
  const segX2 = segments.length * 2;
  const f4 = new DataView(new ArrayBuffer(16 + segments.length * 8));
  const power = 2 ** Math.floor(Math.log2(segments.length));
  f4.setUint16(0, 4);
  f4.setUint16(2, f4.byteLength);
  f4.setUint16(6, segX2);
  f4.setUint16(8, power * 2);
  f4.setUint16(10, Math.log2(power));
  f4.setUint16(12, segX2 - power * 2);
  for (const [i, [start, end, delta]] of segments.entries()) {
    f4.setUint16(14 + i * 2, end);
    f4.setUint16(16 + segX2 + i * 2, start);
    f4.setUint16(16 + segX2 * 2 + i * 2, delta);
    // idRangeOffset stays 0
  }
  const f12 = new DataView(new ArrayBuffer(16 + all.length * 12));
  f12.setUint16(0, 12);
  f12.setUint32(4, f12.byteLength);
  f12.setUint32(12, all.length);
  for (const [i, [start, end, glyph]] of all.entries()) {
    f12.setUint32(16 + i * 12, start);
    f12.setUint32(20 + i * 12, end);
    f12.setUint32(24 + i * 12, glyph);
  }
  // Encoding records: (3,1) → format 4, (3,10) → format 12.
  const header = new DataView(new ArrayBuffer(4 + 2 * 8));
  header.setUint16(2, 2);
  header.setUint16(4, 3);
  header.setUint16(6, 1);
  header.setUint32(8, header.byteLength);
  header.setUint16(12, 3);
  header.setUint16(14, 10);
  header.setUint32(16, header.byteLength + f4.byteLength);
  return concat([header, f4, f12]);
}

/** A name table with Windows Unicode records: copyright, family, subfamily, full and PostScript names. */
function nameTable(family: string, notice: string): Uint8Array {
  const postscript = family.replace(/[^A-Za-z0-9-]/g, '');
  const records: [number, string][] = [
    [0, notice],
    [1, family],
    [2, 'Regular'],
    [4, family],
    [6, postscript],
  ];
  const strings = records.map(([, text]) => utf16be(text));
  const header = new DataView(new ArrayBuffer(6 + records.length * 12));
  header.setUint16(2, records.length);
  header.setUint16(4, header.byteLength);
  let offset = 0;
  for (const [i, [id]] of records.entries()) {
    const at = 6 + i * 12;
    header.setUint16(at, 3);
    header.setUint16(at + 2, 1);
    header.setUint16(at + 4, 0x0409);
    header.setUint16(at + 6, id);
    header.setUint16(at + 8, strings[i]!.byteLength);
    header.setUint16(at + 10, offset);
    offset += strings[i]!.byteLength;
  }
  return concat([header, ...strings.map((s) => new DataView(s.buffer))]);
}

function utf16be(text: string): Uint8Array {
  const out = new DataView(new ArrayBuffer(text.length * 2));
  for (let i = 0; i < text.length; i++) out.setUint16(i * 2, text.charCodeAt(i));
  return new Uint8Array(out.buffer);
}

function concat(parts: DataView[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), at);
    at += part.byteLength;
  }
  return out;
}
