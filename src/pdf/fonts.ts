/**
 * The two vendored faces (templates/fonts, licences alongside): AR PL UMing CN, a Ming/Song
 * face for body text, and WenQuanYi Micro Hei for headings. Both have TrueType outlines, which
 * subset by copying glyph programs (truetype-subset.ts). Parsed once per process; glyph
 * lookups and advances are cached because line breaking asks for them per character.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { TrueTypeFile } from './truetype-subset.ts';

export type FaceName = 'song' | 'hei';

export const fontDirectory = path.resolve(import.meta.dirname, '../../templates/fonts');
// The Song face is stored brotli-compressed (17 MiB as TrueType, 5.5 MiB compressed); unpacking it takes ~0.1 s once per process.
const faceFiles: Record<FaceName, string> = { song: 'uming-cn.ttf.br', hei: 'wqy-microhei.ttf' };

function readFace(file: string): Buffer {
  const bytes = readFileSync(path.join(fontDirectory, file));
  return file.endsWith('.br') ? brotliDecompressSync(bytes) : bytes;
}

export interface FontkitGlyph {
  id: number;
  advanceWidth: number;
}
export interface FontkitFont {
  postscriptName: string;
  unitsPerEm: number;
  ascent: number;
  descent: number;
  capHeight?: number;
  bbox: { minX: number; minY: number; maxX: number; maxY: number };
  hasGlyphForCodePoint(codePoint: number): boolean;
  glyphForCodePoint(codePoint: number): FontkitGlyph;
}

export interface GlyphInfo {
  gid: number;
  /** Advance in 1/1000 em, the unit PDF widths use. */
  advance: number;
}

export class FontFace {
  private readonly glyphs = new Map<number, GlyphInfo | null>();
  readonly scale: number;

  constructor(
    readonly name: FaceName,
    readonly font: FontkitFont,
    /** The same font's raw tables, for subsetting. */
    readonly file: TrueTypeFile,
  ) {
    this.scale = 1000 / font.unitsPerEm;
  }

  /** The glyph for a code point, or undefined when the face lacks it. */
  glyph(codePoint: number): GlyphInfo | undefined {
    let found = this.glyphs.get(codePoint);
    if (found === undefined) {
      found = this.font.hasGlyphForCodePoint(codePoint) ? { gid: this.font.glyphForCodePoint(codePoint).id, advance: 0 } : null;
      if (found) found.advance = Math.round(this.font.glyphForCodePoint(codePoint).advanceWidth * this.scale);
      this.glyphs.set(codePoint, found);
    }
    return found ?? undefined;
  }
}

const loaded = new Map<FaceName, FontFace>();

export function fontFace(name: FaceName): FontFace {
  let face = loaded.get(name);
  if (!face) {
    const font = fontkit.create(readFace(faceFiles[name])) as unknown as FontkitFont & { stream: { buffer: Uint8Array } };
    // fontkit keeps its own copy of the file (17 MB for the Song face): the subsetter reads that one.
    face = new FontFace(name, font, new TrueTypeFile(font.stream.buffer));
    loaded.set(name, face);
  }
  return face;
}
