/**
 * Every template folder: its manifest's example parses with its own field schema, contract
 * examples pass the labor-law rules, and its body parses and refers only to fields that exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { z } from 'zod';
import { addDays, wholeMonthsCovered } from '../../src/domain/calendar.ts';
import { checkContract } from '../../src/domain/labor-law.ts';
import { minimumWageOn } from '../../src/domain/reference/minimum-wage.ts';
import { contractTermsOf, templateKinds, type TemplateManifest } from '../../src/templates/define.ts';
import { parseMarkup, type Block, type Condition, type Inline } from '../../src/templates/markup.ts';

const templatesRoot = path.resolve(import.meta.dirname, '../../templates');
const checkContext = { priorProbationWithEmployer: false, today: '2026-09-01' };

interface TemplateFolder {
  id: string;
  version: string;
  dir: string;
}

function templateFolders(): TemplateFolder[] {
  return readdirSync(templatesRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(path.join(templatesRoot, entry.name), { withFileTypes: true })
        .filter((version) => version.isDirectory() && existsSync(path.join(templatesRoot, entry.name, version.name, 'manifest.ts')))
        .map((version) => ({ id: entry.name, version: version.name, dir: path.join(templatesRoot, entry.name, version.name) })),
    );
}

async function loadManifest(folder: TemplateFolder): Promise<TemplateManifest> {
  const module = (await import(pathToFileURL(path.join(folder.dir, 'manifest.ts')).href)) as { default: TemplateManifest };
  return module.default;
}

function loadBody(folder: TemplateFolder): string {
  return readFileSync(path.join(folder.dir, 'body.lsm'), 'utf8');
}

// ---------------------------------------------------------------- schema paths

function unwrapped(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** The schema a dotted path leads to, or undefined when the path does not exist. */
function schemaAt(schema: z.ZodType, dottedPath: string): z.ZodType | undefined {
  let current: z.ZodType = unwrapped(schema);
  for (const key of dottedPath.split('.')) {
    if (!(current instanceof z.ZodObject)) return undefined;
    const next = (current.shape as Record<string, z.ZodType | undefined>)[key];
    if (!next) return undefined;
    current = unwrapped(next);
  }
  return current;
}

function enumOptions(schema: z.ZodType | undefined): string[] | undefined {
  if (schema instanceof z.ZodBoolean) return ['true', 'false'];
  return schema instanceof z.ZodEnum ? (schema.options as string[]) : undefined;
}

// ---------------------------------------------------------------- body references

interface Reference {
  path: string;
  /** Values the body compares the field with, or labels it gives enum values. */
  values: string[];
  /** Set for {{path|enum:…}}: every option of the field must have a label. */
  labelsAllOptions: boolean;
}

function conditionReference(condition: Condition): Reference {
  return { path: condition.path, values: condition.value === undefined ? [] : [condition.value], labelsAllOptions: false };
}

function inlineReferences(content: Inline[]): Reference[] {
  return content.flatMap((inline): Reference[] => {
    if (inline.kind === 'box') return [conditionReference(inline.condition)];
    if (inline.kind !== 'field') return [];
    if (inline.format !== 'enum') return [{ path: inline.path, values: [], labelsAllOptions: false }];
    const labelled = (inline.argument ?? '').split(',').map((pair) => pair.slice(0, pair.indexOf('=')).trim());
    return [{ path: inline.path, values: labelled, labelsAllOptions: true }];
  });
}

function references(blocks: Block[]): Reference[] {
  return blocks.flatMap((block): Reference[] => {
    switch (block.kind) {
      case 'if':
        return [conditionReference(block.condition), ...references(block.then), ...references(block.otherwise)];
      case 'table':
        return block.rows.flat().flatMap((cell) => inlineReferences(cell.content));
      case 'signatures':
        return block.parties.flatMap((party) => inlineReferences(party.label));
      case 'each':
        return references(block.body);
      case 'pagebreak':
        return [];
      default:
        return inlineReferences(block.content);
    }
  });
}

/** Top-level blocks of a kind, outside conditionals (so their count is fixed). */
function countBlocks(blocks: Block[], kind: Block['kind']): number {
  return blocks.filter((block) => block.kind === kind).length;
}

// ---------------------------------------------------------------- tests

const folders = templateFolders();

/** Templates the parties sign; the platform's own reports (evidence-report) are checked apart. */
const signedByParties = (id: string) => !['evidence-report', 'verification-report'].includes(id);

t.test('the eight contract templates are present', async (t) => {
  t.same(
    folders
      .filter((f) => f.id === 'labor-contract-general')
      .map((f) => f.version)
      .sort(),
    ['1', '2', '3'],
    'a changed template is a new version; earlier versions stay for the contracts that used them',
  );
  t.same([...new Set(folders.map((folder) => folder.id))].filter(signedByParties).sort(), [
    'contract-change',
    'contract-renewal',
    'internal-retirement-agreement',
    'labor-contract-dispatch',
    'labor-contract-general',
    'labor-contract-part-time',
    'platform-work-agreement',
    'termination-certificate',
  ]);
});

for (const folder of folders) {
  t.test(`${folder.id}/${folder.version}`, async (t) => {
    const manifest = await loadManifest(folder);
    t.equal(manifest.id, folder.id, 'id matches the folder');
    t.equal(manifest.version, folder.version, 'version matches the folder');
    t.ok(templateKinds.includes(manifest.kind), `known kind ${manifest.kind}`);
    t.ok(manifest.title.length > 0 && manifest.source.length > 0, 'title and source stated');

    const parsed = manifest.fields.safeParse(manifest.example);
    t.ok(parsed.success, 'example parses with its field schema', { issues: parsed.error?.issues });
    if (!parsed.success) return;
    const fields = parsed.data as Record<string, unknown>;

    const terms = contractTermsOf(manifest.kind, fields);
    if (['labor_contract', 'dispatch', 'platform_work', 'internal_retirement'].includes(manifest.kind)) {
      t.ok(terms, 'a contract kind maps onto ContractTerms');
      const errors = checkContract(terms!, checkContext).filter((violation) => violation.severity === 'error');
      t.same(errors, [], 'example has no labor-law errors');
    } else {
      t.equal(terms, undefined, 'documents about an earlier contract are not judged as contracts');
    }

    const blocks = parseMarkup(loadBody(folder));
    t.ok(
      blocks.some((block) => block.kind === 'title'),
      'body has a title',
    );
    const signatures = blocks.filter((block) => block.kind === 'signatures');
    t.equal(signatures.length, 1, 'body has one signature block');
    if (signedByParties(folder.id)) {
      t.ok(
        signatures[0]?.parties.some((party) => party.role === 'employer' && party.mode === 'seal'),
        'the employer seals',
      );
      t.ok(
        signatures[0]?.parties.some((party) => party.role === 'worker' && party.mode === 'sign'),
        'the worker signs',
      );
    } else {
      t.ok(
        signatures[0]?.parties.some((party) => party.role === 'platform' && party.mode === 'seal'),
        'the platform seals its report',
      );
    }

    for (const reference of references(blocks)) {
      // Placeholders of the document itself and of ::: each elements are not schema fields.
      if (reference.path.startsWith('$')) continue;
      const target = schemaAt(manifest.fields, reference.path);
      t.ok(target, `body field ${reference.path} exists in the schema`);
      const options = enumOptions(target);
      for (const value of reference.values) {
        t.ok(options?.includes(value), `${reference.path}: "${value}" is one of its enum values`);
      }
      if (reference.labelsAllOptions && options) {
        t.same(
          options.filter((option) => !reference.values.includes(option)),
          [],
          `${reference.path}: every enum value has a label`,
        );
      }
    }
  });
}

t.test('labor-contract-general follows the 2019 model text: 10 chapters, 25 articles', async (t) => {
  const source = loadBody({ id: 'labor-contract-general', version: '1', dir: path.join(templatesRoot, 'labor-contract-general/1') });
  t.equal(source.split('\n').filter((line) => line.startsWith('## ')).length, 10, '10 chapter lines');
  t.equal(source.split('\n').filter((line) => line.startsWith('§ ')).length, 25, '25 article lines');
  const blocks = parseMarkup(source);
  t.equal(countBlocks(blocks, 'chapter'), 10, '10 chapters, none conditional');
  t.equal(countBlocks(blocks, 'article'), 25, '25 articles, none conditional');
});

t.test('a violation in an example is reported at the request field it came from', async (t) => {
  const manifest = await loadManifest({ id: 'labor-contract-general', version: '1', dir: path.join(templatesRoot, 'labor-contract-general/1') });
  const example = manifest.example as Record<string, unknown>;
  // 7 months' probation on a 3-year term: Art. 19 allows at most 6.
  const tooLong = manifest.fields.parse({ ...example, probation: { startDate: '2026-09-15', endDate: '2027-04-14', monthlyWage: 5000 } });
  const errors = checkContract(contractTermsOf(manifest.kind, tooLong)!, checkContext).filter((violation) => violation.severity === 'error');
  t.same(
    errors.map((violation) => violation.code),
    ['ART19_PROBATION_TOO_LONG'],
  );
  t.ok(schemaAt(manifest.fields, errors[0]!.field), `violation field ${errors[0]!.field} is a template field`);
});

t.test('examples of documents about an earlier contract are consistent', async (t) => {
  const load = async (id: string) => {
    const manifest = await loadManifest({ id, version: '1', dir: path.join(templatesRoot, id, '1') });
    return manifest.fields.parse(manifest.example) as Record<string, any>;
  };
  const renewal = await load('contract-renewal');
  t.equal(renewal.startDate, addDays(renewal.priorContract.endDate, 1), 'the renewal starts the day after the prior term ends');

  const change = await load('contract-change');
  const minimum = minimumWageOn(change.employer.regionCode, change.effectiveDate);
  t.ok(minimum && change.changes.monthlyWage.after >= minimum.monthly, 'the changed wage is above the minimum wage');
  t.ok(change.effectiveDate > change.priorContract.startDate, 'the change takes effect during the prior contract');

  const certificate = await load('termination-certificate');
  const months = wholeMonthsCovered(certificate.serviceStartDate, certificate.endingDate);
  t.equal(certificate.serviceYears * 12 + certificate.serviceMonths, months, 'years of service match the dates');
});
