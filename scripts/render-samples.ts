/**
 * `npx tsx scripts/render-samples.ts`: renders every template's example and writes the first
 * page as docs/samples/<id>.png (and the PDF beside it), rasterised by poppler with a
 * fontconfig that knows no fonts, so the images show only what the PDF itself embeds.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContractPdfRenderer } from '../src/pdf/contract-renderer.ts';
import { TemplateCatalog } from '../src/templates/catalog.ts';

const out = path.resolve(import.meta.dirname, '../docs/samples');
mkdirSync(out, { recursive: true });
const work = mkdtempSync(path.join(tmpdir(), 'laborsign-samples-'));
const fontsConf = path.join(work, 'fonts.conf');
writeFileSync(fontsConf, `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><cachedir>${work}/fc</cachedir></fontconfig>\n`);

const catalog = await TemplateCatalog.load();
const renderer = new ContractPdfRenderer();
for (const template of catalog.list()) {
  const { pdf, pageCount } = await renderer.renderTemplate({ template, fields: template.example, documentNumber: 'LS20260901SAMPLE01', createdAt: new Date('2026-09-01T02:00:00Z') });
  const pdfPath = path.join(out, `${template.id}.pdf`);
  writeFileSync(pdfPath, pdf);
  const result = spawnSync('pdftoppm', ['-r', '72', '-png', '-singlefile', '-f', '1', '-l', '1', pdfPath, path.join(out, template.id)], { env: { ...process.env, FONTCONFIG_FILE: fontsConf } });
  if (result.status !== 0) throw new Error(`pdftoppm failed for ${template.id}: ${result.stderr}`);
  console.log(`${template.id}: ${pageCount} page(s), ${(pdf.length / 1024).toFixed(0)} KiB → docs/samples/${template.id}.png`);
}
