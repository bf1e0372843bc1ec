/**
 * The file layer of a signed PDF: where each signature's /Contents sits, whether its byte
 * ranges cover exactly one revision, and the revisions (each ending in %%EOF) that follow.
 */
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, type PDFDocument, type PDFObject } from 'pdf-lib';

const name = (key: string) => PDFName.of(key);

export function text(value: PDFObject | undefined): string | undefined {
  if (value instanceof PDFString || value instanceof PDFHexString) return value.decodeText();
  return undefined;
}

export interface SignatureEntry {
  fieldName: string;
  /** The field dictionary (/FT /Sig). */
  field: PDFDict;
  /** The signature dictionary (/V). */
  dict: PDFDict;
  byteRange: number[];
  /** End offset of the signed revision: offset2 + length2. */
  revisionEnd: number;
}

function numbers(array: PDFObject | undefined): number[] {
  return array instanceof PDFArray ? array.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : NaN)) : [];
}

/**
 * The dictionary an object is or refers to, else undefined. pdf-lib's lookupMaybe throws when a
 * damaged file has something else there; a verifier reports such a file, it does not fail on it.
 */
export function dictAt(doc: PDFDocument, object: PDFObject | undefined): PDFDict | undefined {
  const found = object instanceof PDFRef ? doc.context.lookup(object) : object;
  return found instanceof PDFDict ? found : undefined;
}

/** Every filled signature field, in the order the signed revisions end. */
export function findSignatures(doc: PDFDocument): SignatureEntry[] {
  const entries: SignatureEntry[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(name('FT')) !== name('Sig')) continue;
    const value = object.get(name('V'));
    const dict = dictAt(doc, value);
    if (!dict) continue;
    const byteRange = numbers(dict.get(name('ByteRange')));
    entries.push({ fieldName: text(object.get(name('T'))) ?? '(unnamed)', field: object, dict, byteRange, revisionEnd: (byteRange[2] ?? 0) + (byteRange[3] ?? 0) });
  }
  return entries.sort((a, b) => a.revisionEnd - b.revisionEnd);
}

/**
 * The file for parsing, with every signature's /Contents emptied to `<>` (the value is read from
 * the file between its byte ranges, never from the parsed object). pdf-lib reads objects in file
 * order without using the xref offsets, so the copy may be shorter; `at` maps an offset of the
 * file (a revision's end) to the copy. Emptied rather than blanked: the parser steps through a
 * blank run byte by byte, about 50 KB per signature on every load.
 */
export function compactSignatureContents(pdf: Uint8Array): { bytes: Uint8Array; at(offset: number): number } {
  const source = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const cuts: Array<[from: number, to: number]> = [];
  // Native search for each /ByteRange; only the few bytes of each array are decoded.
  for (let at = source.indexOf('/ByteRange'); at >= 0; at = source.indexOf('/ByteRange', at + 10)) {
    const match = /^\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(source.toString('latin1', at, at + 80));
    if (!match) continue;
    const [from, to] = [Number(match[2]), Number(match[3])];
    if (!(to - from > 2 && to <= pdf.length && pdf[from] === 0x3c && pdf[to - 1] === 0x3e)) continue;
    if (!/^[0-9a-fA-F\s]*$/.test(source.toString('latin1', from + 1, Math.min(to - 1, from + 65)))) continue;
    cuts.push([from + 1, to - 1]);
  }
  // Later revisions may repeat a signature's ByteRange; a hostile file may overlap them.
  cuts.sort((a, b) => a[0] - b[0]);
  const kept: Array<[number, number]> = [];
  for (const cut of cuts) if (!kept.length || cut[0] >= kept[kept.length - 1]![1]) kept.push(cut);
  if (!kept.length) return { bytes: pdf, at: (offset) => offset };
  const pieces: Uint8Array[] = [];
  let position = 0;
  for (const [from, to] of kept) {
    pieces.push(source.subarray(position, from));
    position = to;
  }
  pieces.push(source.subarray(position));
  return {
    bytes: Buffer.concat(pieces),
    at: (offset) => offset - kept.reduce((removed, [from, to]) => removed + (to <= offset ? to - from : from < offset ? offset - from : 0), 0),
  };
}

/** The /Contents bytes of a signature, read from the file between its byte ranges. */
export function contentsAt(source: Buffer, byteRange: number[]): Uint8Array {
  const [, length1 = 0, offset2 = 0] = byteRange;
  if (!(offset2 - length1 > 2 && source[length1] === 0x3c && source[offset2 - 1] === 0x3e)) return new Uint8Array();
  return new Uint8Array(Buffer.from(source.toString('latin1', length1 + 1, offset2 - 1).replace(/\s+/g, ''), 'hex'));
}

/**
 * Whether the byte ranges cover a whole revision (from offset 0 to an %%EOF) except exactly
 * the /Contents hex string.
 */
export function coversRevision(source: Buffer, byteRange: number[], contents: Uint8Array): boolean {
  if (byteRange.length !== 4 || byteRange.some((n) => !Number.isInteger(n) || n < 0)) return false;
  const [start, length1, offset2, length2] = byteRange as [number, number, number, number];
  const end = offset2 + length2;
  return (
    start === 0 &&
    offset2 > length1 &&
    source[length1] === 0x3c &&
    source[offset2 - 1] === 0x3e &&
    end <= source.length &&
    /%%EOF\s*$/.test(source.toString('latin1', Math.max(0, end - 16), end)) &&
    contents.length > 0 &&
    /^[0-9a-fA-F\s]*$/.test(source.toString('latin1', length1 + 1, offset2 - 1))
  );
}

/** End offsets of the file's revisions (after each %%EOF and its end-of-line). */
export function revisionEnds(source: Buffer): number[] {
  const ends: number[] = [];
  for (let at = source.indexOf('%%EOF'); at >= 0; at = source.indexOf('%%EOF', at + 5)) {
    let end = at + 5;
    if (source[end] === 0x0d) end++;
    if (source[end] === 0x0a) end++;
    ends.push(end);
  }
  const last = ends[ends.length - 1];
  if (last !== undefined && last < source.length && !/\S/.test(source.toString('latin1', last))) ends[ends.length - 1] = source.length;
  return ends;
}

/** How many revisions end after `offset`. */
export function revisionsAfter(ends: number[], offset: number): number {
  return ends.filter((end) => end > offset + 2).length;
}

export interface LaterWrites {
  /** Objects given a new value (in use) by the revisions after the offset. */
  written: Set<number>;
  /** Objects freed (xref entry `f`) by those revisions. */
  freed: Set<number>;
  /** A later revision uses a cross-reference stream, which this reader does not list. */
  xrefStream: boolean;
}

/** What the revisions after `offset` write, read from their classic xref tables. */
export function writesAfter(source: Buffer, offset: number): LaterWrites {
  const result: LaterWrites = { written: new Set(), freed: new Set(), xrefStream: false };
  for (let at = source.indexOf('xref', offset); at >= 0; at = source.indexOf('xref', at + 4)) {
    if (at > 0 && source[at - 1] !== 0x0a && source[at - 1] !== 0x0d) continue; // startxref, not a table
    const end = source.indexOf('trailer', at);
    if (end < 0) break;
    let current = 0;
    for (const line of source.toString('latin1', at + 4, end).split(/\r\n|\r|\n/)) {
      const header = /^(\d+) (\d+)\s*$/.exec(line);
      if (header) {
        current = Number(header[1]);
        continue;
      }
      const entry = /^(\d{10}) (\d{5}) ([nf])/.exec(line);
      if (!entry) continue;
      if (current > 0) (entry[3] === 'n' ? result.written : result.freed).add(current);
      current++;
    }
    at = end;
  }
  for (let at = source.indexOf('/XRef', offset); at >= 0; at = source.indexOf('/XRef', at + 5)) {
    if (/^\/XRef\b/.test(source.toString('latin1', at, at + 6)) && /\/Type\s*$/.test(source.toString('latin1', Math.max(offset, at - 12), at))) result.xrefStream = true;
  }
  return result;
}
