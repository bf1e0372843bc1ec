/**
 * Page layout: the styled flow set into A4 pages of positioned glyphs, rules and reserved
 * signature areas. Knows fonts only through their glyph advances; emits no PDF.
 */
import { atomize, breakLines, type BrokenLine } from './line-breaking.ts';
import { fontFace, type FaceName } from './fonts.ts';
import type { FlowItem, Span } from './resolve.ts';
import { LruCache } from '../support/lru-cache.ts';

export const pageSize = { width: 595.28, height: 841.89 } as const;
const mm = 72 / 25.4;
const margin = { top: 64, bottom: 68, left: 68, right: 68 } as const;
export const textWidth = pageSize.width - margin.left - margin.right;

export interface PlacedGlyph {
  face: FaceName;
  gid: number;
  character: string;
  x: number;
  advance: number;
  size: number;
  underline: boolean;
  /** A choose-one box (□), and whether it is ticked. */
  box: boolean;
  tick: boolean;
}
export interface PlacedLine {
  y: number;
  /** Extra space after every glyph (justification), the PDF Tc operator. */
  spacing: number;
  glyphs: PlacedGlyph[];
}
export interface Rule {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}
export interface Fill {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface SignatureSlot {
  role: string;
  mode: 'seal' | 'sign';
  /** 0-based page index. */
  page: number;
  /** [x1, y1, x2, y2] in PDF user space. */
  rect: [number, number, number, number];
}
export interface LaidOutPage {
  lines: PlacedLine[];
  rules: Rule[];
  fills: Fill[];
}

export class UnrenderableCharacterError extends Error {
  constructor(
    readonly character: string,
    readonly field: string | undefined,
  ) {
    super(`no vendored font has a glyph for "${character}" (U+${character.codePointAt(0)!.toString(16).toUpperCase()})${field ? ` in ${field}` : ''}`);
    this.name = 'UnrenderableCharacterError';
  }
}

const styles = {
  title: { size: 18, leading: 30, before: 0, after: 10 },
  chapter: { size: 11.5, leading: 20, before: 6, after: 2 },
  heading: { size: 10.5, leading: 18, before: 4, after: 0 },
  body: { size: 10.5, leading: 18, before: 0, after: 2 },
  table: { size: 10, leading: 15, before: 0, after: 0 },
} as const;
const cellPadding = 4;
const seal = 42 * mm;
const signature = { width: 50 * mm, height: 22 * mm };
const otherFace: Record<FaceName, FaceName> = { song: 'hei', hei: 'song' };

interface Measured {
  text: string;
  width: number;
  glyph: PlacedGlyph;
}

function measure(spans: Span[], size: number): Measured[] {
  const result: Measured[] = [];
  for (const span of spans) {
    const underline = span.field !== undefined && !span.box;
    const tick = span.box?.ticked ?? false;
    for (const character of span.text) {
      const codePoint = character.codePointAt(0)!;
      let face = span.face;
      let glyph = fontFace(face).glyph(codePoint);
      if (!glyph) {
        face = otherFace[face];
        glyph = fontFace(face).glyph(codePoint);
      }
      if (!glyph) throw new UnrenderableCharacterError(character, span.field);
      const advance = (glyph.advance * size) / 1000;
      result.push({ text: character, width: advance, glyph: { face, gid: glyph.gid, character, x: 0, advance, size, underline, box: span.box !== undefined, tick } });
    }
  }
  return result;
}

function breakSpans(spans: Span[], size: number, width: (line: number) => number): BrokenLine<PlacedGlyph>[] {
  return breakLines(atomize(measure(spans, size)), width, (glyph) => glyph.advance);
}

/** Glyphs of a broken line placed from x, justified when asked and sensible. */
function place(line: BrokenLine<PlacedGlyph>, x: number, y: number, room: number, justify: boolean): PlacedLine {
  const glyphs: PlacedGlyph[] = [];
  for (const atom of line.atoms) for (const glyph of atom.glyphs) glyphs.push(glyph);
  const slack = room - line.width;
  const size = glyphs[0]?.size ?? 10;
  const spacing = justify && line.justify && glyphs.length > 1 && slack > 0 && slack / (glyphs.length - 1) < size * 0.3 ? slack / (glyphs.length - 1) : 0;
  // Each measured glyph sits on exactly one line, so it is positioned in place.
  let cursor = x;
  for (const glyph of glyphs) {
    glyph.x = cursor;
    cursor += glyph.advance + spacing;
  }
  return { y, spacing, glyphs };
}

type TextItem = Extract<FlowItem, { kind: 'text' }>;
type SetLine = Omit<PlacedLine, 'y'>;

/**
 * Set paragraphs by what they say and how: most of a template's paragraphs are the same in
 * every contract of a batch, and breaking them into lines is most of the layout's work. The
 * key holds everything line breaking and horizontal placement depend on, so a hit is the line
 * set that a fresh layout would make; only the baselines depend on the page. Cached glyphs are
 * shared by every document that uses them and never written after they are placed here.
 */
const paragraphCache = new LruCache<string, SetLine[]>(2000);

function spansKey(prefix: string, spans: Span[]): string {
  let key = prefix;
  for (const span of spans) key += `\u0001${span.face}${span.field === undefined ? 0 : 1}${span.box ? (span.box.ticked ? 2 : 1) : 0}${span.text.length}:${span.text}`;
  return key;
}

/** Lines kept under `key`, or set by `set` and kept (frozen: the renderer relies on shared glyphs never changing). */
function cachedLines(key: string, set: () => SetLine[]): SetLine[] {
  // Least recently used goes first: the template's fixed text stays while names pass through.
  return paragraphCache.getOrSet(key, () => {
    const lines = set();
    // Frozen, as shared glyphs must be: the renderer also keeps a frozen line's operators (contract-renderer.ts).
    for (const line of lines) Object.freeze(line.glyphs);
    return lines;
  });
}

function setParagraph(item: TextItem): SetLine[] {
  return cachedLines(spansKey(`${item.role}|${item.align}|${item.option ? 1 : 0}`, item.spans), () => breakParagraph(item));
}

/** A table cell's lines, placed in its column (a template's table has the same columns in every document). */
function setCell(spans: Span[], x: number, width: number, header: boolean): SetLine[] {
  const { size } = styles.table;
  const key = spansKey(`cell|${x}|${width}|${header ? 1 : 0}`, spans);
  return cachedLines(key, () =>
    breakSpans(spans, size, () => width - 2 * cellPadding).map((line) => {
      const offset = header ? (width - 2 * cellPadding - line.width) / 2 : 0;
      const { spacing, glyphs } = place(line, x + cellPadding + offset, 0, width - 2 * cellPadding, !header);
      return { spacing, glyphs };
    }),
  );
}

function breakParagraph(item: TextItem): SetLine[] {
  const style = styles[item.role];
  const em = style.size;
  const firstIndent = item.align === 'indent' ? 2 * em : 0;
  const hanging = item.option ? firstIndent + em * 1.25 : 0;
  return breakSpans(item.spans, style.size, (line) => textWidth - (line === 0 ? firstIndent : hanging)).map((line, i) => {
    const indent = i === 0 ? firstIndent : hanging;
    const room = textWidth - indent;
    const offset = item.align === 'center' ? (room - line.width) / 2 : item.align === 'right' ? room - line.width : 0;
    const { spacing, glyphs } = place(line, margin.left + indent + offset, 0, room, item.align === 'indent' || item.align === 'left');
    return { spacing, glyphs };
  });
}

export interface Layout {
  pages: LaidOutPage[];
  slots: SignatureSlot[];
}

export function layOut(flow: FlowItem[]): Layout {
  const pages: LaidOutPage[] = [];
  const slots: SignatureSlot[] = [];
  let page!: LaidOutPage;
  let y = 0;
  const top = pageSize.height - margin.top;
  const newPage = () => {
    page = { lines: [], rules: [], fills: [] };
    pages.push(page);
    y = top;
  };
  const ensure = (height: number) => {
    if (y - height < margin.bottom && y < top) newPage();
  };
  newPage();

  for (const [index, item] of flow.entries()) {
    switch (item.kind) {
      case 'pagebreak':
        if (y < top) newPage();
        break;
      case 'text': {
        const style = styles[item.role];
        const lines = setParagraph(item);
        // Headings keep at least two lines of what follows on their page.
        const keep = item.role === 'body' ? 0 : flow[index + 1]?.kind === 'text' ? 2 * styles.body.leading : 0;
        if (y < top) y -= style.before;
        ensure(style.leading * Math.min(lines.length, 2) + keep);
        for (const line of lines) {
          ensure(style.leading);
          const baseline = y - style.leading + (style.leading - style.size) / 2 + style.size * 0.12;
          page.lines.push({ y: baseline, spacing: line.spacing, glyphs: line.glyphs });
          y -= style.leading;
        }
        y -= style.after;
        break;
      }
      case 'table': {
        const total = item.widths.reduce((a, b) => a + b, 0);
        const columns = item.widths.map((w) => (w / total) * textWidth);
        const { size, leading } = styles.table;
        const lefts: number[] = [];
        for (let c = 0, x = margin.left; c < columns.length; x += columns[c]!, c++) lefts.push(x);
        for (const row of item.rows) {
          const cells = row.map((cell, c) => setCell(cell.spans, lefts[c]!, columns[c]!, cell.header === true));
          const height = Math.max(...cells.map((lines) => lines.length)) * leading + 2 * cellPadding;
          ensure(height);
          row.forEach((cell, c) => {
            const x = lefts[c]!;
            const width = columns[c]!;
            if (cell.header) page.fills.push({ x, y: y - height, width, height });
            page.rules.push(
              { x1: x, y1: y, x2: x + width, y2: y },
              { x1: x, y1: y - height, x2: x + width, y2: y - height },
              { x1: x, y1: y, x2: x, y2: y - height },
              { x1: x + width, y1: y, x2: x + width, y2: y - height },
            );
            cells[c]!.forEach((line, i) => {
              const baseline = y - cellPadding - (i + 1) * leading + (leading - size) / 2 + size * 0.12;
              page.lines.push({ y: baseline, spacing: line.spacing, glyphs: line.glyphs });
            });
          });
          y -= height;
        }
        y -= styles.body.after + 4;
        break;
      }
      case 'signatures': {
        const { size, leading } = styles.body;
        const column = textWidth / 2;
        for (let i = 0; i < item.parties.length; i += 2) {
          const pair = item.parties.slice(i, i + 2);
          const areaHeight = Math.max(...pair.map((party) => (party.mode === 'seal' ? seal : signature.height)));
          ensure(leading + areaHeight + 12);
          pair.forEach((party, c) => {
            const x = margin.left + c * column;
            const [line] = breakSpans(party.label, size, () => column - 8);
            if (line) page.lines.push(place(line, x, y - leading + (leading - size) / 2 + size * 0.12, column, false));
            const areaTop = y - leading - 4;
            const width = party.mode === 'seal' ? seal : signature.width;
            const height = party.mode === 'seal' ? seal : signature.height;
            slots.push({ role: party.role, mode: party.mode, page: pages.length - 1, rect: [x, areaTop - height, x + width, areaTop] });
          });
          y -= leading + areaHeight + 12;
        }
        break;
      }
    }
  }
  return { pages, slots };
}

/** The footer of one page: the document number on the left, 第 X 页 共 Y 页 on the right. */
export function footer(documentNumber: string, index: number, count: number, label = '合同编号'): PlacedLine[] {
  const size = 8;
  const y = margin.bottom - 30;
  const left = breakSpans([{ text: `${label}：${documentNumber}`, face: 'song' }], size, () => textWidth / 2)[0]!;
  const right = breakSpans([{ text: `第 ${index + 1} 页 共 ${count} 页`, face: 'song' }], size, () => textWidth / 2)[0]!;
  return [place(left, margin.left, y, textWidth, false), place(right, pageSize.width - margin.right - right.width, y, textWidth, false)];
}
