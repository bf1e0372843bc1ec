/**
 * `npx tsx scripts/batch-sheet-docs.ts`: writes the column tables of docs/BATCHES.md from the
 * templates' field schemas, so the documented mapping is the one the upload applies.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sheetColumns } from '../src/sheets/batch-sheet.ts';
import { TemplateCatalog } from '../src/templates/catalog.ts';

const docPath = path.resolve(import.meta.dirname, '../docs/BATCHES.md');
const start = '<!-- columns -->';
const end = '<!-- /columns -->';
const typeNames = { text: 'text', number: 'number', integer: 'whole number', boolean: '是 / 否', date: 'date', choice: 'one of' };

const catalog = await TemplateCatalog.load();
const sections = catalog
  .list()
  .filter((template) => template.toContractTerms(template.example) !== undefined)
  .map((template) => {
    const rows = sheetColumns(template.fieldsSchema).map(
      (c) => `| ${c.header} | \`${c.path}\` | ${c.type === 'choice' ? `${typeNames.choice} ${c.choices!.map((o) => o.label).join('、')}` : typeNames[c.type]} | ${c.required ? 'yes' : ''} |`,
    );
    return [`### ${template.title} (\`${template.id}\`)`, '', '| column | field | value | required |', '|---|---|---|---|', ...rows].join('\n');
  });
const doc = await readFile(docPath, 'utf8');
const from = doc.indexOf(start);
const to = doc.indexOf(end);
if (from < 0 || to < from) throw new Error(`${docPath} lacks the ${start} … ${end} markers`);
await writeFile(docPath, `${doc.slice(0, from + start.length)}\n${sections.join('\n\n')}\n${doc.slice(to)}`);
console.log(`wrote the column tables of ${sections.length} templates into ${path.relative(process.cwd(), docPath)}`);
