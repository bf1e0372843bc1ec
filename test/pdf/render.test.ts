import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { PDFDocument, PDFName } from 'pdf-lib';
import { ContractPdfRenderer, contractData } from '../../src/pdf/contract-renderer.ts';
import { UnrenderableCharacterError } from '../../src/pdf/layout.ts';
import { TemplateCatalog } from '../../src/templates/catalog.ts';
import { parseMarkup, type Block, type Inline } from '../../src/templates/markup.ts';
import { embeddedFontReport } from '../helpers/pdf-fonts.ts';
import { needs, run } from '../helpers/tools.ts';

const catalog = await TemplateCatalog.load();
const renderer = new ContractPdfRenderer();
const createdAt = new Date('2026-09-01T02:00:00Z');
const work = mkdtempSync(path.join(tmpdir(), 'laborsign-render-'));
// A fontconfig that knows no fonts at all: poppler cannot substitute a system CJK font.
const noFonts = path.join(work, 'fonts.conf');
writeFileSync(noFonts, `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><cachedir>${work}/fc</cachedir></fontconfig>\n`);

/** Plain sentences of the template's own text (no placeholders), to find verbatim in the PDF. */
function fixedSentences(blocks: Block[]): string[] {
  const sentences: string[] = [];
  const plain = (content: Inline[]) => content.map((i) => (i.kind === 'text' ? i.text : '\u0000')).join('');
  for (const block of blocks) {
    if (block.kind === 'article' || (block.kind === 'paragraph' && block.align === 'indent')) {
      for (const piece of plain(block.content).split('\u0000')) if (piece.length >= 12 && !/[□√]/.test(piece)) sentences.push(piece.trim());
    }
  }
  return sentences;
}

const squash = (text: string) => text.replace(/\s+/g, '');

/** Total ink of a binary greyscale PGM (P5, 8 bit, as pdftoppm -gray writes it), in whole black pixels. */
function inkOf(pgm: Buffer): number {
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 64).toString('latin1'))!;
  let ink = 0;
  for (const value of pgm.subarray(header[0].length)) ink += 255 - value;
  return ink / 255;
}

t.ok(catalog.list().length >= 9, 'the seven contract templates and the two platform reports are in the catalog');

for (const template of catalog.list()) {
  t.test(`renders ${template.id}@${template.version}`, async (t) => {
    const request = { template, fields: template.example, documentNumber: 'LS20260901TESTDOC1', createdAt };
    const first = await renderer.renderTemplate(request);
    const again = await renderer.renderTemplate(request);
    t.ok(first.pdf.length > 1000, `${first.pageCount} page(s), ${first.pdf.length} bytes`);
    t.ok(Buffer.from(first.pdf).equals(Buffer.from(again.pdf)), 'deterministic: same input, same bytes');
    t.ok(first.signatureSlots.length >= (['termination_certificate', 'evidence_report'].includes(template.kind) ? 1 : 2), 'signature areas reserved');
    const file = path.join(work, `${template.id}.pdf`);
    writeFileSync(file, first.pdf);

    const fonts = await embeddedFontReport(first.pdf);
    t.ok(fonts.length >= 2, 'Song and Hei faces embedded');
    for (const font of fonts) t.same(font.blank, [], `${font.baseFont}: every glyph has outlines in the embedded subset`);

    const loaded = await PDFDocument.load(first.pdf);
    t.equal(loaded.getTitle(), `${template.title}（LS20260901TESTDOC1）`);
    const names = loaded.catalog.lookup(PDFName.of('Names'));
    t.ok(names, 'attachments name tree present');
    t.match(Buffer.from(first.pdf).toString('latin1'), /\/AFRelationship \/Data/, 'contract.json attached as associated data');

    t.test('pdffonts: every font embedded as a subset', needs('pdffonts'), async (t) => {
      const lines = run('pdffonts', [file]).stdout.trim().split('\n').slice(2);
      t.ok(lines.length >= 2);
      for (const line of lines) t.match(line, /^[A-Z]{6}\+\S+\s+CID TrueType\s+Identity-H\s+yes yes yes/, line);
    });

    t.test('pdftotext: the clauses extract verbatim (ToUnicode)', needs('pdftotext'), async (t) => {
      const text = squash(run('pdftotext', [file, '-']).stdout);
      t.ok(text.includes(squash(template.title.replace(/（.*）$/, ''))) || text.includes(squash(template.title)), 'title');
      t.ok(text.includes('第1页共' + first.pageCount + '页'), 'page footer');
      const label = template.kind === 'evidence_report' ? '报告编号' : '合同编号';
      t.ok(text.includes(`${label}：LS20260901TESTDOC1`), 'document number in the footer');
      // Page footers interrupt sentences that cross a page break.
      const body = text.replace(/(合同|报告)编号：LS20260901TESTDOC1/g, '').replace(/第\d+页共\d+页/g, '');
      const sentences = fixedSentences(template.body);
      t.ok(sentences.length > 0, 'has fixed sentences to look for');
      for (const sentence of sentences.slice(0, 40)) t.ok(body.includes(squash(sentence)), `verbatim: ${sentence.slice(0, 24)}…`);
      const worker = (template.example.worker as { name?: string } | undefined)?.name;
      if (worker) t.ok(text.includes(worker), 'the worker’s name');
    });

    t.test('qpdf: structurally sound, classic xref', needs('qpdf'), async (t) => {
      const check = run('qpdf', ['--check', file]);
      t.equal(check.status, 0, check.stderr);
      t.notMatch(Buffer.from(first.pdf).toString('latin1'), /\/Type \/ObjStm/, 'no object streams');
    });

    t.test('every page rendered with no system font: no font errors, and ink for its text', needs('pdftoppm', 'pdftotext'), async (t) => {
      const prefix = path.join(work, `${template.id}-page`);
      const result = run('pdftoppm', ['-r', '50', '-gray', file, prefix], undefined, { ...process.env, FONTCONFIG_FILE: noFonts });
      t.equal(result.status, 0);
      t.equal(result.stderr.trim(), '', 'no missing-font or glyph warnings');
      const pages = readdirSync(work)
        .filter((name) => name.startsWith(`${template.id}-page-`) && name.endsWith('.pgm'))
        .sort();
      t.equal(pages.length, first.pageCount, 'one image per page');
      pages.forEach((page, i) => {
        const characters = squash(run('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), file, '-']).stdout).length;
        // Glyphs missing from a subset draw nothing: the page's ink must match its text (≈ 4–14 pixels a character here).
        const ink = inkOf(readFileSync(path.join(work, page)));
        t.ok(characters > 0 && ink >= 2 * characters, `${page}: ${characters} characters, ${Math.round(ink)} pixels of ink, drawn from the embedded fonts alone`);
      });
    });

    t.test('pdfdetach: contract.json is attached and equals the structured data', needs('pdfdetach'), async (t) => {
      t.match(run('pdfdetach', ['-list', file]).stdout, /1: contract\.json/);
      const out = path.join(work, `${template.id}.json`);
      t.equal(run('pdfdetach', ['-save', '1', '-o', out, file]).status, 0);
      t.same(JSON.parse(readFileSync(out, 'utf8')), JSON.parse(JSON.stringify(contractData(request))));
    });
  });
}

t.test('the general contract has 10 chapters and 25 articles', async (t) => {
  const template = catalog.get('labor-contract-general')!;
  const pdfText = await renderer.renderTemplate({ template, fields: template.example, documentNumber: 'X', createdAt });
  const file = path.join(work, 'general.pdf');
  writeFileSync(file, pdfText.pdf);
  t.equal(template.body.filter((b) => b.kind === 'chapter').length, 10);
  if (!needs('pdftotext').skip) {
    const text = squash(run('pdftotext', [file, '-']).stdout);
    t.ok(text.includes('第十章'), 'chapter ten');
    t.ok(text.includes('第二十五条'), 'article twenty-five');
    t.notOk(text.includes('第二十六条'), 'no article twenty-six');
    // The model's header and signature block (version 2).
    const worker = template.example.worker as { address: string; residence: string };
    t.ok(text.includes(squash(`注册地：${(template.example.employer as { address: string }).address}`)), '甲方 注册地');
    t.ok(text.includes('经营地：同注册地'), '甲方 经营地, defaulting to the registered address');
    t.ok(text.includes(squash(`户籍地址：${worker.address}`)) && text.includes(squash(`经常居住地：${worker.residence}`)), '乙方 户籍地址 and 经常居住地');
    t.ok(text.includes('法定代表人或委托代理人（签字或盖章）'), 'the representative line of the signature block');
  }
});

t.test('a character no vendored font has is refused, naming the field', async (t) => {
  const body = parseMarkup('@left 乙方：{{worker.name}}');
  await t.rejects(renderer.render({ body, fields: { worker: { name: '张\uE000' } }, documentNumber: 'X', createdAt, metadata: { title: 't', author: 'a' } }), UnrenderableCharacterError);
  const error = await renderer
    .render({ body, fields: { worker: { name: '张\uE000' } }, documentNumber: 'X', createdAt, metadata: { title: 't', author: 'a' } })
    .catch((e: UnrenderableCharacterError) => e);
  t.equal((error as UnrenderableCharacterError).field, 'worker.name');
});

t.test('boxes tick by condition and extract as ☑/☐', async (t) => {
  const body = parseMarkup(['[? kind=a] 选项甲', '[? kind=b] 选项乙'].join('\n'));
  const { pdf } = await renderer.render({ body, fields: { kind: 'a' }, documentNumber: 'X', createdAt, metadata: { title: 't', author: 'a' } });
  const file = path.join(work, 'boxes.pdf');
  writeFileSync(file, pdf);
  if (!needs('pdftotext').skip) {
    const text = run('pdftotext', ['-raw', file, '-']).stdout;
    t.match(squash(text), /☑选项甲/, 'the chosen option reads as ☑');
    t.match(squash(text), /☐选项乙/, 'the other as ☐');
  }
});

t.test('a document is the same bytes whether its process renders it first or after many others (paragraph and line caches)', async (t) => {
  const template = catalog.get('labor-contract-general')!;
  const worker = template.example.worker as Record<string, unknown>;
  // A long address wraps: every later paragraph sits lower than in the documents before it.
  const address = '山西省太原市小店区龙城大街与长治路交叉口东南角某某小区十二号楼三单元二十层二〇〇一室';
  const request = (name: string, number: string, longAddress = false) => ({
    template,
    fields: { ...template.example, worker: { ...worker, name, ...(longAddress ? { address } : {}) } },
    documentNumber: number,
    createdAt,
  });
  // Warm every cache with other names and every other template (whose subsets number glyphs differently).
  for (const other of catalog.list()) await renderer.renderTemplate({ template: other, fields: other.example, documentNumber: 'LS20260901WARM0001', createdAt });
  for (const name of ['赵一', '钱二二', '孙三三三']) await renderer.renderTemplate(request(name, 'LS20260901WARM0002'));
  const warm = await renderer.renderTemplate(request('李四', 'LS20260901COLD0001', true));
  const script = `
    import { createHash } from 'node:crypto';
    import { ContractPdfRenderer } from ${JSON.stringify(path.resolve('src/pdf/contract-renderer.ts'))};
    import { TemplateCatalog } from ${JSON.stringify(path.resolve('src/templates/catalog.ts'))};
    const template = (await TemplateCatalog.load()).get('labor-contract-general');
    const fields = { ...template.example, worker: { ...template.example.worker, name: '李四', address: ${JSON.stringify(address)} } };
    const { pdf } = await new ContractPdfRenderer().renderTemplate({ template, fields, documentNumber: 'LS20260901COLD0001', createdAt: new Date(${createdAt.getTime()}) });
    console.log(createHash('sha256').update(pdf).digest('hex'));`;
  const cold = run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
  t.equal(cold.status, 0, cold.stderr);
  t.equal(cold.stdout.trim(), createHash('sha256').update(warm.pdf).digest('hex'), 'rendered cold in a fresh process: the same SHA-256');
});

t.test('a batch’s common text is subset once: same text on the page, every glyph drawn, a smaller per-document subset', async (t) => {
  const template = catalog.get('labor-contract-general')!;
  const fields = { ...template.example, worker: { ...(template.example.worker as Record<string, unknown>), name: '欧阳明', address: '山西省晋中市榆次区' } };
  const common = [...new Set(JSON.stringify(template.example.employer) + '山西省晋中市榆次区')].sort().join('');
  const plain = await renderer.renderTemplate({ template, fields, documentNumber: 'LS20260901COMMON01', createdAt });
  const shared = await renderer.renderTemplate({ template, fields, documentNumber: 'LS20260901COMMON01', createdAt, commonText: common });
  const again = await renderer.renderTemplate({ template, fields, documentNumber: 'LS20260901COMMON01', createdAt, commonText: common });
  t.ok(Buffer.from(shared.pdf).equals(Buffer.from(again.pdf)), 'deterministic with the same common text');
  t.notOk(Buffer.from(shared.pdf).equals(Buffer.from(plain.pdf)), 'the glyphs are split differently');
  const fonts = await embeddedFontReport(shared.pdf);
  for (const font of fonts) t.same(font.blank, [], `${font.baseFont}: every glyph has outlines`);
  const plainFonts = await embeddedFontReport(plain.pdf);
  t.equal(fonts.length, plainFonts.length + 1, 'one more Song subset: the common text’s');
  const perDocument = (list: typeof fonts) => Math.min(...list.map((f) => f.glyphs));
  t.ok(perDocument(fonts) < perDocument(plainFonts), `the smallest subset shrinks: ${perDocument(plainFonts)} → ${perDocument(fonts)} glyphs`);
  t.test('pdftotext: the same text either way', needs('pdftotext'), async (t) => {
    const text = (pdf: Uint8Array, name: string) => {
      const file = path.join(work, name);
      writeFileSync(file, pdf);
      return run('pdftotext', [file, '-']).stdout;
    };
    t.equal(text(shared.pdf, 'common-shared.pdf'), text(plain.pdf, 'common-plain.pdf'));
  });
});
