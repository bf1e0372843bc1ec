/**
 * Renders a template with its fields to PDF: resolve → lay out → write with pdf-lib's object
 * layer. The fixed text of a template is subset once and reused across its documents, so a
 * batch of one template costs a few milliseconds per contract. The output is a classic-xref
 * PDF (no object streams) so signatures can be appended as incremental updates, and the
 * same input always gives the same bytes.
 */
import { deflateSync } from 'node:zlib';
import { AFRelationship, PDFDocument, PDFHexString, PDFName, PDFString, type PDFRef } from 'pdf-lib';
import { BlockStream } from './block-stream.ts';
import type { LoadedTemplate } from '../templates/catalog.ts';
import type { Block } from '../templates/markup.ts';
import { buildSubset, embedSubset, type EncodedSubset } from './font-subset.ts';
import { fontFace, type FaceName } from './fonts.ts';
import { footer, layOut, pageSize, type LaidOutPage, type PlacedGlyph, type PlacedLine, type SignatureSlot } from './layout.ts';
import { resolve, templateCharacters } from './resolve.ts';
import { shanghaiDate } from '../domain/calendar.ts';
import { LruCache } from '../support/lru-cache.ts';

export interface RenderRequest {
  body: Block[];
  fields: Record<string, unknown>;
  documentNumber: string;
  /** Fixes the document's dates ($date, metadata): same input, same bytes. */
  createdAt: Date;
  metadata: { title: string; author: string; subject?: string; keywords?: string[] };
  /** What the footer calls the document number (default 合同编号). */
  numberLabel?: string;
  /** Structured data attached to the PDF (contract.json), readable without OCR. */
  attachment?: { name: string; data: unknown; description: string };
  /** See TemplateRenderRequest.commonText. */
  commonText?: string;
}

export interface RenderedDocument {
  pdf: Uint8Array;
  pageCount: number;
  signatureSlots: SignatureSlot[];
  /**
   * The pdf-lib document `pdf` was written from, for the seal that follows at once (signPdf's
   * `written`): it saves parsing the bytes again. Drop it after that; it holds every object.
   */
  written?: PDFDocument;
}

const faces: FaceName[] = ['song', 'hei'];
const templateSubsetCache = new WeakMap<Block[], Record<FaceName, EncodedSubset>>();
/** Per template, the shared subsets of 8 common texts: a few batches (or chunks of different departments) at a time. */
const sharedSubsetCache = new WeakMap<Block[], LruCache<string, SharedSubsets>>();

/** The subsets every document of a template (and common text) uses, per face: the template's own first. */
type SharedSubsets = Record<FaceName, EncodedSubset[]>;

/** The subsets of a template's own text, built once per parsed template. */
function templateSubsets(body: Block[]): Record<FaceName, EncodedSubset> {
  let subsets = templateSubsetCache.get(body);
  if (!subsets) {
    const characters = templateCharacters(body);
    const subsetOf = (name: FaceName) => {
      const face = fontFace(name);
      return buildSubset(
        face,
        [...characters[name]].filter((c) => face.glyph(c.codePointAt(0)!)),
        'reused',
      );
    };
    subsets = { song: subsetOf('song'), hei: subsetOf('hei') };
    templateSubsetCache.set(body, subsets);
  }
  return subsets;
}

/**
 * The template's subsets, and a Song subset of the common text's characters the template lacks
 * (field values are set in Song), built once per template and common text. One object per
 * pair, so the operators kept for a line (lineTexts) are those of the same glyph numbering.
 */
function sharedSubsets(body: Block[], commonText: string): SharedSubsets {
  let byText = sharedSubsetCache.get(body);
  if (!byText) sharedSubsetCache.set(body, (byText = new LruCache(8)));
  return byText.getOrSet(commonText, () => {
    const template = templateSubsets(body);
    const song = fontFace('song');
    const missing = [...new Set(commonText)].filter((c) => {
      const glyph = song.glyph(c.codePointAt(0)!);
      return glyph !== undefined && !template.song.cidOf.has(glyph.gid);
    });
    return { song: missing.length ? [template.song, buildSubset(song, missing, 'reused')] : [template.song], hei: [template.hei] };
  });
}

const n = (value: number) => (Math.round(value * 100) / 100).toString();
const hex = (cid: number) => cid.toString(16).padStart(4, '0');

interface FontResource {
  name: string;
  subset: EncodedSubset;
  /** One of the subsets every document of the template (and common text) numbers alike. */
  shared: boolean;
}

class FontResolver {
  readonly used = new Map<string, FontResource>();
  private readonly byNames: Map<string, FontResource>;

  constructor(
    private readonly resources: Record<FaceName, FontResource[]>,
    /** The shared subsets (FontResource.shared), the scope of the operators kept for lines. */
    readonly fixed: SharedSubsets,
  ) {
    this.byNames = new Map([...resources.song, ...resources.hei].map((font) => [font.name, font]));
  }

  byName(name: string): FontResource {
    const font = this.byNames.get(name);
    if (!font) throw new Error(`no font resource ${name}`);
    this.used.set(name, font);
    return font;
  }

  cid(face: FaceName, gid: number): { font: FontResource; cid: number } {
    for (const font of this.resources[face]) {
      const cid = font.subset.cidOf.get(gid);
      if (cid !== undefined) {
        this.used.set(font.name, font);
        return { font, cid };
      }
    }
    throw new Error(`glyph ${gid} of ${face} is in no subset`);
  }
}

/** A check mark drawn inside a □ glyph of this size at (x, baseline). */
function tickPath(x: number, y: number, size: number): string {
  const p = (dx: number, dy: number) => `${n(x + dx * size)} ${n(y + dy * size)}`;
  return `${n(size * 0.1)} w ${p(0.22, 0.36)} m ${p(0.42, 0.14)} l ${p(0.82, 0.7)} l S`;
}

// Memoised: every glyph of a page needs its size's and its CID's text.
const sizeText = new Map<number, string>();
const cidHex: string[] = [];
const hexOf = (cid: number) => (cidHex[cid] ??= hex(cid));

/** A line's operators as written after a given font, size and spacing, and the font and size it leaves. */
interface LineText {
  /** The line's operators, joined as the page joins them (one push instead of one per operator). */
  text: string;
  underlines: string[];
  ticks: string[];
  fonts: string[];
  font: string | undefined;
  size: number;
}

/**
 * Operators of lines set from the paragraph cache (layout.ts), by the shared subsets, the
 * line's glyphs and what the text state was before it: most lines of a template's documents are
 * the same glyphs at the same height, and writing them is most of a page's content. Only lines
 * whose every glyph is in the shared subsets (the template's text and the common text) are
 * kept; a document's own subset numbers its glyphs differently each time.
 */
const lineTexts = new WeakMap<SharedSubsets, WeakMap<PlacedGlyph[], Map<string, LineText>>>();

/** The lines kept for these shared subsets: each one's every glyph is in them. */
function keptLines(fixed: SharedSubsets): WeakMap<PlacedGlyph[], Map<string, LineText>> {
  let kept = lineTexts.get(fixed);
  if (!kept) lineTexts.set(fixed, (kept = new WeakMap()));
  return kept;
}

function textOperators(lines: PlacedLine[], fonts: FontResolver): { text: string; sharedOnly: boolean } {
  const out: string[] = ['BT'];
  let sharedOnly = true;
  const underlines: string[] = [];
  const ticks: string[] = [];
  let currentFont: FontResource | undefined;
  let currentSize = -1;
  let currentSpacing = 0;
  const known = keptLines(fonts.fixed);
  for (const line of lines) {
    // Frozen: set by the paragraph cache, so the same array comes back in later documents.
    const shared = Object.isFrozen(line.glyphs);
    const state = shared ? `${line.y}|${currentFont?.name ?? ''}|${currentSize}|${currentSpacing}` : '';
    const byState = shared ? known.get(line.glyphs) : undefined;
    const hit = byState?.get(state);
    if (hit) {
      if (hit.text) out.push(hit.text);
      for (const text of hit.underlines) underlines.push(text);
      for (const text of hit.ticks) ticks.push(text);
      for (const name of hit.fonts) fonts.byName(name);
      currentFont = hit.font === undefined ? undefined : fonts.byName(hit.font);
      currentSize = hit.size;
      currentSpacing = line.spacing;
      continue;
    }
    const from = { text: out.length, underlines: underlines.length, ticks: ticks.length };
    const usedFonts = new Set<string>();
    let fixedOnly = shared;
    if (line.spacing !== currentSpacing) {
      out.push(`${n(line.spacing)} Tc`);
      currentSpacing = line.spacing;
    }
    const { glyphs } = line;
    let run = '';
    for (let i = 0; i < glyphs.length; i++) {
      const glyph = glyphs[i]!;
      const { font, cid } = fonts.cid(glyph.face, glyph.gid);
      usedFonts.add(font.name);
      if (!font.shared) fixedOnly = sharedOnly = false;
      const fontChanges = font !== currentFont || glyph.size !== currentSize;
      if (fontChanges || run === '' || glyph.box) {
        if (run) out.push(`<${run}> Tj`);
        run = '';
        if (fontChanges) {
          let size = sizeText.get(glyph.size);
          if (size === undefined) sizeText.set(glyph.size, (size = n(glyph.size)));
          out.push(`/${font.name} ${size} Tf`);
          currentFont = font;
          currentSize = glyph.size;
        }
        out.push(`1 0 0 1 ${n(glyph.x)} ${n(line.y)} Tm`);
      }
      if (glyph.box) {
        // Neither face has ☑/☐: draw □ (plus a vector tick) and let text extraction read ☑ or ☐.
        out.push(`/Span << /ActualText <FEFF${glyph.tick ? '2611' : '2610'}> >> BDC <${hexOf(cid)}> Tj EMC`);
        if (glyph.tick) ticks.push(tickPath(glyph.x, line.y, glyph.size));
        continue;
      }
      run += hexOf(cid);
      if (glyph.underline && !glyphs[i + 1]?.underline) {
        let start = i;
        while (start > 0 && glyphs[start - 1]!.underline) start--;
        const from = glyphs[start]!.x;
        underlines.push(`${n(from)} ${n(line.y - glyph.size * 0.15)} m ${n(glyph.x + glyph.advance)} ${n(line.y - glyph.size * 0.15)} l`);
      }
    }
    if (run) out.push(`<${run}> Tj`);
    if (fixedOnly) {
      const entry = {
        text: out.slice(from.text).join('\n'),
        underlines: underlines.slice(from.underlines),
        ticks: ticks.slice(from.ticks),
        fonts: [...usedFonts],
        font: currentFont?.name,
        size: currentSize,
      };
      if (byState) byState.set(state, entry);
      else known.set(line.glyphs, new Map([[state, entry]]));
    }
  }
  out.push('ET');
  if (underlines.length) out.push('0.5 w', ...underlines, 'S');
  if (ticks.length) out.push('q 1 J 1 j', ...ticks, 'Q');
  return { text: out.join('\n'), sharedOnly };
}

/**
 * Page bodies compressed, by their operators. Most pages of a template's documents are the same
 * text in the same place (the footer, with the document number, is a stream of its own), so a
 * body written before is not compressed again. Only bodies set in the shared subsets are kept:
 * one with a document's own glyphs will not come back.
 */
const compressedBodies = new LruCache<string, Uint8Array>(64);

// Native zlib at its fastest level: a quarter of the time of the default for about 1 % more bytes.
const compress = (content: string) => deflateSync(content, { level: 1 });

/** A content stream: compressed, or (a footer's few dozen bytes) as is; a compressor's setup costs more than those bytes. */
interface ContentStream {
  bytes: Uint8Array;
  compressed: boolean;
}

/** A page's content streams: its body (fills, rules, text) and its footer. */
function pageContent(page: LaidOutPage, footerLines: PlacedLine[], fonts: FontResolver): ContentStream[] {
  const parts: string[] = [];
  if (page.fills.length) parts.push('q 0.92 g', ...page.fills.map((f) => `${n(f.x)} ${n(f.y)} ${n(f.width)} ${n(f.height)} re`), 'f Q');
  if (page.rules.length) parts.push('0.6 w', ...page.rules.map((r) => `${n(r.x1)} ${n(r.y1)} m ${n(r.x2)} ${n(r.y2)} l`), 'S');
  const text = textOperators(page.lines, fonts);
  parts.push(text.text);
  const body = parts.join('\n');
  return [
    { bytes: text.sharedOnly ? compressedBodies.getOrSet(body, () => compress(body)) : compress(body), compressed: true },
    { bytes: Buffer.from(textOperators(footerLines, fonts).text, 'latin1'), compressed: false },
  ];
}

/**
 * An associated file (ISO 32000-2 7.11.4, AFRelationship Data): the embedded file stream, its
 * file specification in the EmbeddedFiles name tree and the catalog's /AF. pdf-lib's attach()
 * writes the same objects but compresses with its JavaScript deflate, several times slower than
 * native zlib.
 */
function attachFile(document: PDFDocument, file: { name: string; data: Uint8Array; mimeType: string; description: string; date: Date }) {
  const { context, catalog } = document;
  const compressed = deflateSync(file.data, { level: 1 });
  const stream = context.register(
    BlockStream.of(
      context.obj({
        Type: 'EmbeddedFile',
        Subtype: file.mimeType,
        Filter: 'FlateDecode',
        Length: compressed.length,
        Params: { Size: file.data.length, CreationDate: PDFString.fromDate(file.date), ModDate: PDFString.fromDate(file.date) },
      }),
      compressed,
    ),
  );
  const spec = context.register(
    context.obj({
      Type: 'Filespec',
      F: PDFString.of(file.name),
      UF: PDFHexString.fromText(file.name),
      EF: { F: stream },
      Desc: PDFHexString.fromText(file.description),
      AFRelationship: AFRelationship.Data,
    }),
  );
  catalog.set(PDFName.of('Names'), context.obj({ EmbeddedFiles: { Names: [PDFHexString.fromText(file.name), spec] } }));
  catalog.set(PDFName.of('AF'), context.obj([spec]));
}

export interface TemplateRenderRequest {
  template: LoadedTemplate;
  fields: Record<string, unknown>;
  documentNumber: string;
  createdAt: Date;
  /**
   * Text that many documents rendered with this template share (a batch's shared values and its
   * employer): its glyphs are subset once with the template's own text instead of again in every
   * document, and the lines that carry it are written once. Only the split of glyphs between
   * the document's font subsets depends on it; what the document shows does not.
   */
  commonText?: string;
}

/** The machine-readable twin of the contract, attached to its PDF as contract.json. */
export function contractData({ template, fields, documentNumber, createdAt }: TemplateRenderRequest) {
  return {
    format: 'laborsign.contract/1',
    number: documentNumber,
    createdAt: createdAt.toISOString(),
    template: { id: template.id, version: template.version, kind: template.kind, title: template.title, contentHash: template.contentHash },
    fields,
  };
}

export class ContractPdfRenderer {
  /** A document of a template, with metadata and its data attached. */
  renderTemplate(request: TemplateRenderRequest): Promise<RenderedDocument> {
    const employer = (request.fields.employer as { name?: string } | undefined)?.name ?? '';
    return this.render({
      body: request.template.body,
      fields: request.fields,
      documentNumber: request.documentNumber,
      createdAt: request.createdAt,
      numberLabel: request.template.kind === 'evidence_report' ? '报告编号' : '合同编号',
      metadata: {
        title: `${request.template.title}（${request.documentNumber}）`,
        author: employer,
        subject: request.template.title,
        keywords: [request.documentNumber, request.template.id, request.template.kind],
      },
      attachment: { name: 'contract.json', description: '合同结构化数据（机器可读）', data: contractData(request) },
      commonText: request.commonText,
    });
  }

  async render(request: RenderRequest): Promise<RenderedDocument> {
    const flow = resolve(request.body, { fields: request.fields, documentNumber: request.documentNumber, documentDate: shanghaiDate(request.createdAt) });
    const layout = layOut(flow);
    const count = layout.pages.length;
    const footers = layout.pages.map((_, i) => footer(request.documentNumber, i, count, request.numberLabel));

    // Glyphs outside the shared subsets (names, addresses…) go into a small one per document.
    const fixed = sharedSubsets(request.body, request.commonText ?? '');
    const extra: Record<FaceName, Map<number, string>> = { song: new Map(), hei: new Map() };
    // A line with kept operators lies wholly in the shared subsets: not read again.
    const kept = keptLines(fixed);
    for (const line of [...layout.pages.flatMap((p) => p.lines), ...footers.flat()]) {
      if (kept.has(line.glyphs)) continue;
      for (const glyph of line.glyphs) if (!fixed[glyph.face].some((subset) => subset.cidOf.has(glyph.gid))) extra[glyph.face].set(glyph.gid, glyph.character);
    }
    const resources: Record<FaceName, FontResource[]> = {
      song: fixed.song.map((subset, i) => ({ name: i === 0 ? 'FS' : 'FSc', subset, shared: true })),
      hei: fixed.hei.map((subset, i) => ({ name: i === 0 ? 'FH' : 'FHc', subset, shared: true })),
    };
    for (const face of faces) {
      if (extra[face].size > 0) resources[face].push({ name: `${face === 'song' ? 'FS' : 'FH'}x`, subset: buildSubset(fontFace(face), extra[face].values(), 'once'), shared: false });
    }

    const document = await PDFDocument.create({ updateMetadata: false });
    const context = document.context;
    const fonts = new FontResolver(resources, fixed);
    const contents = layout.pages.map((page, i) => pageContent(page, footers[i]!, fonts));
    const fontRefs = new Map<string, PDFRef>();
    for (const [name, font] of [...fonts.used.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) fontRefs.set(name, embedSubset(context, font.subset));
    const fontDict = context.obj(Object.fromEntries(fontRefs));
    for (const streams of contents) {
      const page = document.addPage([pageSize.width, pageSize.height]);
      page.node.set(PDFName.of('Resources'), context.obj({ Font: fontDict }));
      const refs = streams.map(({ bytes, compressed }) =>
        context.register(BlockStream.of(context.obj(compressed ? { Filter: 'FlateDecode', Length: bytes.length } : { Length: bytes.length }), bytes)),
      );
      page.node.set(PDFName.of('Contents'), context.obj(refs));
    }

    const { metadata } = request;
    document.setTitle(metadata.title, { showInWindowTitleBar: true });
    document.setAuthor(metadata.author);
    if (metadata.subject) document.setSubject(metadata.subject);
    if (metadata.keywords) document.setKeywords(metadata.keywords);
    document.setCreator('LaborSign');
    document.setProducer('LaborSign (pdf-lib)');
    document.setLanguage('zh-CN');
    document.setCreationDate(request.createdAt);
    document.setModificationDate(request.createdAt);
    if (request.attachment) {
      attachFile(document, {
        name: request.attachment.name,
        data: Buffer.from(JSON.stringify(request.attachment.data, null, 2)),
        mimeType: 'application/json',
        description: request.attachment.description,
        date: request.createdAt,
      });
    }
    // One pass: pdf-lib otherwise yields to a timer every 50 objects, idle time in a batch worker.
    const pdf = await document.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false, objectsPerTick: Infinity });
    return { pdf, pageCount: count, signatureSlots: layout.slots, written: document };
  }
}
