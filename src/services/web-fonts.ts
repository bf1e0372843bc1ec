/**
 * The pages' Chinese faces, made from the faces the contract PDFs use, so a page renders with
 * no CJK font on the visitor's device. One common WOFF2 subset (WenQuanYi Micro Hei: ASCII,
 * GB 2312 and every character of the pages' own markup and scripts) is built once and cached
 * under the data directory; characters outside it (workers' rare names, CJK Extension B) come
 * from small per-page subsets, of the Hei face where it has them and else of the Song face
 * (AR PL UMing, which covers part of Extension B).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import wawoff2 from 'wawoff2';
import { fontFace, type FaceName } from '../pdf/fonts.ts';
import { webFontSubset } from '../pdf/web-font.ts';

export interface WebFontsDeps {
  /** Where the common subset is kept between starts (DATA_DIR/fonts). */
  cacheDir: string;
  /** Text files whose characters the common subset must cover (the pages' markup and scripts). */
  pageFiles: string[];
}

/** The families pages list in their CSS, in this order. */
export const webFontFamilies = { common: 'LaborSign Hei', rareHei: 'LaborSign Hei Extra', rareSong: 'LaborSign Song Extra' } as const;

export interface WebFont {
  woff2: Uint8Array;
  /** A strong validator of the bytes. */
  etag: string;
}

// Bumped when the character set or the table writer changes, so a cached subset is rebuilt.
const recipeVersion = 1;

/** ASCII, Latin-1 and general punctuation, CJK symbols, fullwidth forms, and GB 2312 (levels 1 and 2 with its symbol rows). */
function commonCodePoints(): Set<number> {
  const points = new Set<number>();
  const add = (from: number, to: number) => {
    for (let cp = from; cp <= to; cp++) points.add(cp);
  };
  add(0x20, 0x7e);
  add(0xa0, 0xff);
  add(0x2010, 0x205e);
  add(0x2190, 0x21ff);
  add(0x2460, 0x24ff);
  add(0x25a0, 0x25ff);
  add(0x2600, 0x27bf);
  add(0x3000, 0x303f);
  add(0xff00, 0xffef);
  const gb = new TextDecoder('gb18030');
  for (let lead = 0xa1; lead <= 0xf7; lead++) {
    for (let trail = 0xa1; trail <= 0xfe; trail++) {
      const text = gb.decode(new Uint8Array([lead, trail]));
      const cp = text.codePointAt(0)!;
      if (text.length === 1 && cp !== 0xfffd && !(cp >= 0xe000 && cp <= 0xf8ff)) points.add(cp);
    }
  }
  return points;
}

export class WebFontsService {
  private common?: Promise<WebFont & { covered: Set<number> }>;

  constructor(private readonly deps: WebFontsDeps) {}

  /** The common subset (built on first use, then read from the cache directory). */
  async commonFont(): Promise<WebFont> {
    return this.commonWithCoverage();
  }

  /** Memoised; a failed build is tried again at the next request. */
  private commonWithCoverage() {
    this.common ??= this.buildCommon().catch((error: unknown) => {
      this.common = undefined;
      throw error;
    });
    return this.common;
  }

  /**
   * Subsets for the characters of `text` the common subset lacks: one of the Hei face, one of
   * the Song face for what Hei lacks too. Characters neither face has are listed as missing.
   */
  async rareFonts(text: string): Promise<{ faces: { family: string; woff2: Uint8Array }[]; missing: string[] }> {
    const { covered } = await this.commonWithCoverage();
    const wanted = [...new Set(Array.from(text, (c) => c.codePointAt(0)!))].filter((cp) => cp > 0x20 && !covered.has(cp));
    const faces: { family: string; woff2: Uint8Array }[] = [];
    let rest = wanted;
    for (const [face, family] of [
      ['hei', webFontFamilies.rareHei],
      ['song', webFontFamilies.rareSong],
    ] as [FaceName, string][]) {
      if (rest.length === 0) break;
      const subset = webFontSubset(fontFace(face), rest, family);
      if (subset.covered.length === 0) continue;
      faces.push({ family, woff2: await wawoff2.compress(subset.font) });
      const done = new Set(subset.covered);
      rest = rest.filter((cp) => !done.has(cp));
    }
    return { faces, missing: rest.filter((cp) => !isInvisible(cp)).map((cp) => String.fromCodePoint(cp)) };
  }

  private async buildCommon(): Promise<WebFont & { covered: Set<number> }> {
    const points = commonCodePoints();
    for (const file of this.deps.pageFiles) for (const c of await readFile(file, 'utf8')) points.add(c.codePointAt(0)!);
    const face = fontFace('hei');
    const wanted = [...points].filter((cp) => face.glyph(cp) !== undefined).sort((a, b) => a - b);
    const key = createHash('sha256')
      .update(`${recipeVersion}:${face.font.postscriptName}:${wanted.join(',')}`)
      .digest('hex')
      .slice(0, 24);
    const file = path.join(this.deps.cacheDir, `common-${key}.woff2`);
    const covered = new Set(wanted);
    try {
      return { woff2: await readFile(file), etag: `"${key}"`, covered };
    } catch {
      // not cached yet
    }
    const woff2 = await wawoff2.compress(webFontSubset(face, wanted, webFontFamilies.common).font);
    await mkdir(this.deps.cacheDir, { recursive: true });
    // Written aside and renamed, so a concurrent start never reads half a file; older recipes are removed.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, woff2);
    await rename(partial, file);
    for (const old of await readdir(this.deps.cacheDir)) {
      if (old.startsWith('common-') && old.endsWith('.woff2') && path.join(this.deps.cacheDir, old) !== file) await rm(path.join(this.deps.cacheDir, old), { force: true });
    }
    return { woff2, etag: `"${key}"`, covered };
  }
}

const isInvisible = (cp: number) => (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef) || cp === 0x200b || cp === 0x200c || cp === 0x200d || cp === 0xfeff;
