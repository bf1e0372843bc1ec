/**
 * `npm run batch -- sheet.csv`: uploads to a running service, names refused rows, follows
 * the progress to the end, writes the error report, exits 2 when rows were refused; running
 * it again creates nothing twice.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { parseCsv, toCsv } from '../../src/sheets/csv.ts';
import { SseParser } from '../../scripts/batch-cli/sse.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const apiKey = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(73) })).json().apiKey as string;
const employer = bearer(apiKey);
const templateId = 'labor-contract-general';
const now = Date.now();
await app.inject({
  method: 'POST',
  url: '/api/v1/seal-authorisations',
  headers: employer,
  payload: { templateIds: [templateId], validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 3_600_000).toISOString(), grantedBy: '张三（法定代表人）' },
});
await platform.startWorkers(2);
const url = await app.listen({ port: 0, host: '127.0.0.1' });

const [header, example] = parseCsv((await app.inject({ method: 'GET', url: `/api/v1/templates/${templateId}/batch-sheet.csv`, headers: employer })).body);
const line = (n: number, change: Record<string, string> = {}) => {
  const first17 = `14010519880${String(100 + n).padStart(3, '0')}0101`.slice(0, 6) + `1988${String(Math.floor(n / 28) + 1).padStart(2, '0')}${String((n % 28) + 1).padStart(2, '0')}456`;
  const values: Record<string, string> = {
    ...Object.fromEntries(header!.map((h, i) => [h, example![i]!])),
    姓名: `批量${n}`,
    身份证号码: first17 + residentIdCheckCharacter(first17),
    手机号码: `136${String(n).padStart(8, '0')}`,
    ...change,
  };
  return header!.map((h) => values[h] ?? '');
};
const dir = await mkdtemp(path.join(tmpdir(), 'laborsign-cli-'));
const sheet = path.join(dir, 'workforce.csv');
await writeFile(sheet, toCsv([header!, ...[1, 2, 3, 4, 5, 6].map((n) => line(n)), line(7, { 身份证号码: '140105198801010000' })]));

/** Runs the CLI without blocking this process, which serves its requests. */
function cli(
  args: string[],
  env: Record<string, string | undefined> = { LABORSIGN_URL: url, LABORSIGN_API_KEY: apiKey },
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('scripts/batch.ts'), ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(stderr, child);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.once('close', (status) => (clearTimeout(timer), resolve({ status, stdout, stderr }))));
}
let batchId = '';

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
  t.ok(
    readFileSync(report)
      .subarray(0, 3)
      .equals(Buffer.from([0xef, 0xbb, 0xbf])),
    'the report keeps its byte-order mark, so Excel reads the Chinese',
  );
  batchId = /batch ([0-9a-f-]{36})/.exec(run.stdout)?.[1] ?? '';
  const contracts = await platform.db.contract.findMany({ where: { batch: { organisation: { uscc: employerBody(73).uscc } } } });
  t.equal(contracts.length, 6);
  t.ok(
    contracts.every((c) => c.status === 'sent'),
    'sealed and sent',
  );
});

t.test('running the same command again creates nothing twice', async (t) => {
  const run = await cli([sheet, '--template', templateId]);
  t.equal(run.status, 2);
  t.match(run.stdout, /already submitted/);
  t.equal(await platform.db.contract.count({ where: { batch: { organisation: { uscc: employerBody(73).uscc } } } }), 6);
  t.equal(await platform.db.batch.count(), 1);
});

t.test('--watch re-attaches to a batch and writes the report where --errors says', async (t) => {
  const target = path.join(dir, 'watched.csv');
  const run = await cli(['--watch', batchId, '--errors', target]);
  t.equal(run.status, 2, run.stderr);
  t.match(run.stdout, /6 done, 0 failed, 1 refused/);
  t.match(readFileSync(target, 'utf8'), /\n8,身份证号码,/);
  const unknown = await cli(['--watch', '00000000-0000-4000-8000-000000000000']);
  t.equal(unknown.status, 1);
  t.match(unknown.stderr, /HTTP 404/);
});

t.test('--all-or-nothing with a bad row: nothing created, the row named, exit 2', async (t) => {
  const target = path.join(dir, 'strict-errors.csv');
  const run = await cli([sheet, '--all-or-nothing', '--errors', target]);
  t.equal(run.status, 2, run.stderr);
  t.match(run.stdout, /nothing was created/);
  t.match(run.stdout, /第 8 行 row 8\s+身份证号码/);
  t.match(readFileSync(target, 'utf8'), /\n8,身份证号码,/);
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
  const unknownOption = await cli([sheet, '--bogus']);
  t.equal(unknownOption.status, 1);
  t.match(unknownOption.stderr, /Unknown option '--bogus'[\s\S]*usage: npm run batch/);
  t.notMatch(unknownOption.stderr, /\n\s+at /, 'no stack trace');
});

/** A stand-in service whose progress stream is scripted per connection. */
async function fakeService(t: { teardown(fn: () => unknown): void }, connection: (n: number, res: ServerResponse) => void): Promise<string> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    if (!req.url?.endsWith('/events')) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    connection(++n, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const fakeId = '11111111-2222-4333-8444-555555555555';
const progress = (done: number, finished: boolean) => ({
  id: fakeId,
  rows: 4,
  rejectedRows: 0,
  byStatus: { done, pending: 4 - done },
  finished,
  ratePerSecond: 2,
  etaSeconds: finished ? 0 : 2,
  failures: [],
});

t.test('a broken progress stream is reconnected; the batch ends with exit 0', async (t) => {
  const base = await fakeService(t, (n, res) => {
    // CRLF line ends and a comment: any well-formed event stream is read.
    if (n === 1) res.write(`: hello\r\nevent: progress\r\ndata: ${JSON.stringify(progress(1, false))}\r\n\r\n`, () => res.destroy());
    else res.end(`event: finished\ndata:${JSON.stringify(progress(4, true))}\n\n`);
  });
  const run = await cli(['--watch', fakeId, '--url', base]);
  t.equal(run.status, 0, run.stderr);
  t.match(run.stderr, /reconnecting/);
  t.match(run.stderr, /\[#{30}\] 4\/4/);
  t.match(run.stdout, /4 done, 0 failed, 0 refused/);
});

t.test('Ctrl-C detaches and says how to re-attach', async (t) => {
  const base = await fakeService(t, (_n, res) => {
    const tick = setInterval(() => res.write(`event: progress\ndata: ${JSON.stringify(progress(1, false))}\n\n`), 100);
    res.once('close', () => clearInterval(tick));
  });
  let sent = false;
  const run = await cli(['--watch', fakeId, '--url', base], { LABORSIGN_API_KEY: 'k' }, (text, child) => {
    if (!sent && /1\/4/.test(text)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  t.equal(run.status, 130);
  t.match(run.stdout, new RegExp(`detached[\\s\\S]*--watch ${fakeId} --url ${base}`));
});

t.test('the event-stream reader, whatever the chunks', async (t) => {
  const text = '\uFEFF: comment\r\nevent: progress\r\ndata: {"a":\r\ndata:1}\r\n\r\nid: 3\n\nevent: finished\rdata: x\r\rdata: y\n\n';
  const expected = [
    { event: 'progress', data: '{"a":\n1}' },
    { event: 'finished', data: 'x' },
    { event: 'message', data: 'y' },
  ];
  const bytes = Buffer.from(text, 'utf8');
  t.same(new SseParser().push(bytes), expected, 'in one chunk');
  const parser = new SseParser();
  const events = [...bytes].flatMap((byte) => parser.push(Uint8Array.of(byte)));
  t.same(events, expected, 'byte by byte (CRLF and multi-byte characters split)');
});
