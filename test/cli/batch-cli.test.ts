/**
 * `npm run batch -- sheet.csv`: uploads to a running service, names refused rows, follows
 * the progress to the end, writes the error report, exits 2 when rows were refused; running
 * it again creates nothing twice.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { parseCsv, toCsv } from '../../src/sheets/csv.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const apiKey = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(73) })).json().apiKey as string;
const employer = bearer(apiKey);
const templateId = 'labor-contract-general';
const now = Date.now();
await app.inject({ method: 'POST', url: '/api/v1/seal-authorisations', headers: employer, payload: { templateIds: [templateId], validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 3_600_000).toISOString(), grantedBy: '张三（法定代表人）' } });
await platform.startWorkers(2);
const url = await app.listen({ port: 0, host: '127.0.0.1' });

const [header, example] = parseCsv((await app.inject({ method: 'GET', url: `/api/v1/templates/${templateId}/batch-sheet.csv`, headers: employer })).body);
const line = (n: number, change: Record<string, string> = {}) => {
  const first17 = `14010519880${String(100 + n).padStart(3, '0')}0101`.slice(0, 6) + `1988${String(Math.floor(n / 28) + 1).padStart(2, '0')}${String((n % 28) + 1).padStart(2, '0')}456`;
  const values: Record<string, string> = { ...Object.fromEntries(header!.map((h, i) => [h, example![i]!])), 姓名: `批量${n}`, 身份证号码: first17 + residentIdCheckCharacter(first17), 手机号码: `136${String(n).padStart(8, '0')}`, ...change };
  return header!.map((h) => values[h] ?? '');
};
const dir = await mkdtemp(path.join(tmpdir(), 'laborsign-cli-'));
const sheet = path.join(dir, 'workforce.csv');
await writeFile(sheet, toCsv([header!, ...[1, 2, 3, 4, 5, 6].map((n) => line(n)), line(7, { 身份证号码: '140105198801010000' })]));

/** Runs the CLI without blocking this process, which serves its requests. */
function cli(args: string[], env: Record<string, string | undefined> = { LABORSIGN_URL: url, LABORSIGN_API_KEY: apiKey }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('scripts/batch.ts'), ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) => child.once('close', (status) => (clearTimeout(timer), resolve({ status, stdout, stderr }))));
}

t.test('a sheet with one bad row: the row named, the rest signed, the report written, exit 2', async (t) => {
  const run = await cli([sheet, '--template', templateId]);
  t.equal(run.status, 2, run.stderr);
  t.match(run.stdout, /6 rows accepted/);
  t.match(run.stdout, /第 8 行 row 8\s+身份证号码/, 'the bad row by its sheet row number and Chinese column');
  t.match(run.stdout, /6 done, 0 failed, 1 refused/);
  t.match(run.stderr, /\[#{30}\] 6\/6/, 'the progress reached the end');
  const report = path.join(dir, 'workforce-errors.csv');
  t.ok(existsSync(report), 'the error report is next to the sheet');
  t.match(readFileSync(report, 'utf8'), /\n8,身份证号码,/);
  const contracts = await platform.db.contract.findMany({ where: { batch: { organisation: { uscc: employerBody(73).uscc } } } });
  t.equal(contracts.length, 6);
  t.ok(contracts.every((c) => c.status === 'sent'), 'sealed and sent');
});

t.test('running the same command again creates nothing twice', async (t) => {
  const run = await cli([sheet, '--template', templateId]);
  t.equal(run.status, 2);
  t.match(run.stdout, /already submitted/);
  t.equal(await platform.db.contract.count({ where: { batch: { organisation: { uscc: employerBody(73).uscc } } } }), 6);
  t.equal(await platform.db.batch.count(), 1);
});

t.test('without an API key or a sheet the command explains itself and exits 1', async (t) => {
  const noKey = await cli([sheet], { LABORSIGN_URL: url, LABORSIGN_API_KEY: '' });
  t.equal(noKey.status, 1);
  t.match(noKey.stderr, /LABORSIGN_API_KEY is not set/);
  const noSheet = await cli([]);
  t.equal(noSheet.status, 1);
  t.match(noSheet.stderr, /usage: npm run batch/);
  const wrongType = await cli([path.join(dir, 'workforce.txt')]);
  t.equal(wrongType.status, 1);
});
