/**
 * Text drawn as vector outlines taken from a TrueType font, so a signature appearance needs
 * no embedded font: an incremental update stays small and independent of the document's fonts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';

interface PathCommand {
  command: 'moveTo' | 'lineTo' | 'quadraticCurveTo' | 'bezierCurveTo' | 'closePath';
  args: number[];
}
interface Glyph {
  path: { commands: PathCommand[] };
  advanceWidth: number;
}
interface Font {
  unitsPerEm: number;
  layout(text: string): { glyphs: Glyph[] };
}

const fmt = (n: number) => (Math.round(n * 100) / 100).toString();

/** Fonts looked for, in order: the vendored Hei face, then Debian's WenQuanYi Micro Hei. */
export const defaultOutlineFonts = [path.resolve(import.meta.dirname, '../../../templates/fonts/wqy-microhei.ttf'), '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'];

export class GlyphOutliner {
  private readonly font: Font;

  constructor(fontBytes: Uint8Array) {
    const opened = fontkit.create(Buffer.from(fontBytes)) as unknown as Font & { fonts?: Font[] };
    this.font = opened.fonts?.[0] ?? opened;
  }

  static fromFirstExisting(candidates = defaultOutlineFonts): GlyphOutliner {
    const found = candidates.find((file) => existsSync(file));
    if (!found) throw new Error(`no outline font found in: ${candidates.join(', ')}`);
    return new GlyphOutliner(readFileSync(found));
  }

  width(text: string, size: number): number {
    const scale = size / this.font.unitsPerEm;
    return this.font.layout(text).glyphs.reduce((sum, glyph) => sum + glyph.advanceWidth * scale, 0);
  }

  /** Path operators (to be filled) for `text` with its baseline starting at (x, y). */
  path(text: string, size: number, x = 0, y = 0): string {
    const scale = size / this.font.unitsPerEm;
    const ops: string[] = [];
    let penX = x;
    for (const glyph of this.font.layout(text).glyphs) {
      const px = (gx: number) => fmt(penX + gx * scale);
      const py = (gy: number) => fmt(y + gy * scale);
      let last: [number, number] = [0, 0];
      for (const { command, args } of glyph.path.commands) {
        if (command === 'moveTo') {
          ops.push(`${px(args[0]!)} ${py(args[1]!)} m`);
          last = [args[0]!, args[1]!];
        } else if (command === 'lineTo') {
          ops.push(`${px(args[0]!)} ${py(args[1]!)} l`);
          last = [args[0]!, args[1]!];
        } else if (command === 'quadraticCurveTo') {
          // Quadratic → cubic: control points two thirds of the way to the quadratic control.
          const [cx, cy, ex, ey] = args as [number, number, number, number];
          const c1 = [last[0] + (2 / 3) * (cx - last[0]), last[1] + (2 / 3) * (cy - last[1])];
          const c2 = [ex + (2 / 3) * (cx - ex), ey + (2 / 3) * (cy - ey)];
          ops.push(`${px(c1[0]!)} ${py(c1[1]!)} ${px(c2[0]!)} ${py(c2[1]!)} ${px(ex)} ${py(ey)} c`);
          last = [ex, ey];
        } else if (command === 'bezierCurveTo') {
          const [c1x, c1y, c2x, c2y, ex, ey] = args as [number, number, number, number, number, number];
          ops.push(`${px(c1x)} ${py(c1y)} ${px(c2x)} ${py(c2y)} ${px(ex)} ${py(ey)} c`);
          last = [ex, ey];
        } else {
          ops.push('h');
        }
      }
      penX += glyph.advanceWidth * scale;
    }
    return ops.join('\n');
  }
}
