/**
 * The HTTP layer is thin (docs/ARCHITECTURE.md): routes parse, call one service and shape the
 * answer. No file in src/http imports the database, the object store or the generated Prisma
 * client, and none queries the database, writes the audit trail or reads the archive itself.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';

const root = path.resolve(import.meta.dirname, '../..');
const forbiddenDirs = ['src/db', 'src/storage', 'src/generated'];
const forbiddenCalls: { rule: string; pattern: RegExp }[] = [
  { rule: 'database', pattern: /\bdb\.|\.db\b|\$transaction|\$queryRaw|\$executeRaw/ },
  { rule: 'audit', pattern: /\b(AuditLog|verifyAuditChain|checkpointAudit)\b|\baudit\.append(Many)?\(/ },
  { rule: 'archive', pattern: /\barchive\.\w+\(/ },
];
/**
 * Known exceptions, each [file, rule], while the contract module (issue 21 item 1) takes over
 * the reads that routes/contracts.ts still does itself. An entry that no longer matches fails
 * too, so the list only shrinks.
 */
const pending: [string, string][] = [];

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : Promise.resolve(entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : []))),
  );
  return nested.flat();
}

/** Where a file in `httpDir` breaks the layer rules: imports of the infrastructure and direct calls, as "file: rule (detail)". */
export async function httpLayerViolations(httpDir: string, base: string): Promise<{ file: string; rule: string; detail: string }[]> {
  const found: { file: string; rule: string; detail: string }[] = [];
  for (const file of await sourceFiles(httpDir)) {
    const relative = path.relative(base, file).split(path.sep).join('/');
    const source = await readFile(file, 'utf8');
    for (const [, specifier] of source.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)) {
      if (!specifier!.startsWith('.')) continue;
      const target = path
        .relative(base, path.resolve(path.dirname(file), specifier!))
        .split(path.sep)
        .join('/');
      const dir = forbiddenDirs.find((forbidden) => target === forbidden || target.startsWith(`${forbidden}/`));
      if (dir) found.push({ file: relative, rule: 'import', detail: `imports ${specifier} (${dir})` });
    }
    // Comments may name these things; code may not.
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    for (const { rule, pattern } of forbiddenCalls) {
      const lines = code.split('\n').filter((line) => pattern.test(line));
      if (lines.length)
        found.push({
          file: relative,
          rule,
          detail: lines
            .map((line) => line.trim())
            .join(' | ')
            .slice(0, 300),
        });
    }
  }
  return found;
}

const violations = await httpLayerViolations(path.join(root, 'src/http'), root);
const isPending = (v: { file: string; rule: string }) => pending.some(([file, rule]) => file === v.file && rule === v.rule);

t.test('src/http imports no database, storage or generated module and makes no database, audit or archive call', async (t) => {
  t.same(
    violations.filter((v) => !isPending(v)),
    [],
  );
});

t.test('every pending exception is still needed (remove it once its file is clean)', async (t) => {
  t.same(
    pending.filter(([file, rule]) => !violations.some((v) => v.file === file && v.rule === rule)),
    [],
  );
});

t.test('the scan finds each kind of breach', async (t) => {
  const base = await mkdtemp(path.join(tmpdir(), 'http-layer-'));
  t.teardown(() => rm(base, { recursive: true, force: true }));
  await mkdir(path.join(base, 'src/http/routes'), { recursive: true });
  const route = [
    "import type { Db } from '../../db/client.ts';",
    "import type { AuditLog } from '../../services/audit.ts';",
    '// db.contract.findMany in a comment is fine',
    'export const load = (platform: { db: Db }) => platform.db.contract.findMany();',
    'export const store = (archive: { put(b: Buffer): Promise<void> }) => archive.put(Buffer.alloc(0));',
    'export const record = (platform: { audit: AuditLog }) => platform.audit.append;',
  ].join('\n');
  await writeFile(path.join(base, 'src/http/routes/bad.ts'), route);
  const found = await httpLayerViolations(path.join(base, 'src/http'), base);
  t.same(found.map((v) => v.rule).sort(), ['archive', 'audit', 'database', 'import']);
  t.ok(found.every((v) => v.file === 'src/http/routes/bad.ts'));
});
