/**
 * A subset of one face, encoded once and embedded as a Type0/CIDFontType2 font with a
 * ToUnicode map (so text extracts and searches). Subsetting is the expensive part of
 * rendering; a subset built for a template's fixed text is cached and its compressed bytes
 * reused in every document of that template, and only the few characters that field values
 * add get a small per-document subset.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { PDFArray, PDFString, type PDFContext, type PDFRef } from 'pdf-lib';
import { BlockStream } from './block-stream.ts';
import type { FontFace } from './fonts.ts';

export interface EncodedSubset {
  face: FontFace;
  /** Original glyph id → CID in this subset (CIDToGIDMap is Identity). */
  cidOf: Map<number, number>;
  baseFont: string;
  fontFile: Uint8Array;
  fontFileLength: number;
  toUnicode: Uint8Array;
  /** Advance of each CID, 1/1000 em. */
  widths: number[];
}

function utf16Hex(text: string): string {
  let hex = '';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return hex;
}

function toUnicodeCMap(entries: [cid: number, text: string][]): string {
  const lines = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
  ];
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    lines.push(`${chunk.length} beginbfchar`);
    for (const [cid, text] of chunk) lines.push(`<${cid.toString(16).padStart(4, '0').toUpperCase()}> <${utf16Hex(text)}>`);
    lines.push('endbfchar');
  }
  lines.push('endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end');
  return lines.join('\n');
}

/** A deterministic six-letter subset tag (ISO 32000 9.6.4) derived from the glyph set. */
function subsetTag(face: FontFace, gids: number[]): string {
  const digest = createHash('sha256')
    .update(`${face.name}:${gids.join(',')}`)
    .digest();
  return Array.from(digest.subarray(0, 6), (byte) => String.fromCharCode(65 + (byte % 26))).join('');
}

/**
 * Builds the subset holding the glyphs of these characters (each must exist in the face).
 * `compression` is the zlib level: the best for a subset built once and reused, the fastest
 * for one a single document uses.
 */
export function buildSubset(face: FontFace, characters: Iterable<string>, compression: 'reused' | 'once'): EncodedSubset {
  const level = compression === 'reused' ? 9 : 1;
  const byGid = new Map<number, string>();
  for (const character of characters) {
    const glyph = face.glyph(character.codePointAt(0)!);
    if (!glyph) throw new Error(`face ${face.name} has no glyph for U+${character.codePointAt(0)!.toString(16)}`);
    if (!byGid.has(glyph.gid)) byGid.set(glyph.gid, character);
  }
  const gids = [...byGid.keys()].sort((a, b) => a - b);
  const fontFile = face.file.subset(gids);
  // The subset puts .notdef first, then the glyphs in the order given.
  const cidOf = new Map(gids.map((gid, index) => [gid, index + 1]));
  const widths = [0, ...gids.map((gid) => face.glyph(byGid.get(gid)!.codePointAt(0)!)!.advance)];
  const entries = gids.map((gid, index): [number, string] => [index + 1, byGid.get(gid)!]);
  return {
    face,
    cidOf,
    baseFont: `${subsetTag(face, gids)}+${face.font.postscriptName}`,
    fontFile: deflateSync(fontFile, { level }),
    fontFileLength: fontFile.length,
    toUnicode: deflateSync(Buffer.from(toUnicodeCMap(entries)), { level }),
    widths,
  };
}

const round = (n: number) => Math.round(n);

/**
 * The /W array with runs of equal advance written as `first last width` (most CJK glyphs are
 * one em wide), and other widths as `first [w1 w2 …]`: smaller files, faster parsing.
 */
export function compactWidths(widths: number[]): (number | number[])[] {
  const out: (number | number[])[] = [];
  let i = 0;
  while (i < widths.length) {
    let run = i;
    while (run + 1 < widths.length && widths[run + 1] === widths[i]) run++;
    if (run > i) {
      out.push(i, run, widths[i]!);
      i = run + 1;
      continue;
    }
    const last = out.at(-1);
    const previousList = Array.isArray(last) && (out.at(-2) as number) + last.length === i ? last : undefined;
    if (previousList) previousList.push(widths[i]!);
    else out.push(i, [widths[i]!]);
    i++;
  }
  return out;
}

/** Registers the font objects of a subset in a document; returns the Type0 font's reference. */
export function embedSubset(context: PDFContext, subset: EncodedSubset): PDFRef {
  const { font, scale } = subset.face;
  const fontFile = context.register(BlockStream.of(context.obj({ Filter: 'FlateDecode', Length1: subset.fontFileLength, Length: subset.fontFile.length }), subset.fontFile));
  const toUnicode = context.register(BlockStream.of(context.obj({ Filter: 'FlateDecode', Length: subset.toUnicode.length }), subset.toUnicode));
  const descriptor = context.register(
    context.obj({
      Type: 'FontDescriptor',
      FontName: subset.baseFont,
      Flags: 4,
      FontBBox: [font.bbox.minX, font.bbox.minY, font.bbox.maxX, font.bbox.maxY].map((v) => round(v * scale)),
      ItalicAngle: 0,
      Ascent: round(font.ascent * scale),
      Descent: round(font.descent * scale),
      CapHeight: round((font.capHeight || font.ascent) * scale),
      StemV: 80,
      FontFile2: fontFile,
    }),
  );
  const widths = context.obj(compactWidths(subset.widths)) as PDFArray;
  const cidFont = context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'CIDFontType2',
      BaseFont: subset.baseFont,
      // Registry and Ordering are strings, not names (ISO 32000 9.7.3).
      CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
      FontDescriptor: descriptor,
      W: widths,
      CIDToGIDMap: 'Identity',
    }),
  );
  const type0 = context.obj({ Type: 'Font', Subtype: 'Type0', BaseFont: subset.baseFont, Encoding: 'Identity-H', DescendantFonts: [cidFont], ToUnicode: toUnicode });
  return context.register(type0);
}
