/**
 * `npm run batch -- sheet.xlsx --template labor-contract-general`: uploads a batch sheet to a
 * running LaborSign, prints every refused row, follows the progress (a bar on a terminal,
 * plain lines in a log) and writes the error report. Exit 0: every row done; 2: some rows
 * refused or failed; 1: the command could not run. Ctrl-C detaches: the batch goes on.
 *
 *   LABORSIGN_URL      the service (default http://127.0.0.1:3000)
 *   LABORSIGN_API_KEY  the employer's API key
 *
 *   --template <id>    template of the sheet's rows (default labor-contract-general)
 *   --all-or-nothing   create nothing unless every row is valid
 *   --no-send          seal, but do not send the signing links yet
 *   --errors <file>    where the error report goes (default <sheet>-errors.csv)
 *   --key <key>        Idempotency-Key (default: derived from the file and options)
 *   --url <url>        the service, over LABORSIGN_URL
 *   --watch <batchId>  follow a batch already submitted
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { toCsv } from '../src/sheets/csv.ts';
import { SseParser } from './batch-cli/sse.ts';

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const usage = `usage: npm run batch -- <sheet.csv|sheet.xlsx> [--template id] [--all-or-nothing] [--no-send] [--errors file] [--key key] [--url url]
       npm run batch -- --watch <batchId> [--errors file] [--url url]
env:   LABORSIGN_API_KEY (required: the employer API key), LABORSIGN_URL (default http://127.0.0.1:3000)`;
/** The server sends progress every half second; this long without a byte means the stream is stuck. */
const streamIdleMs = 20_000;
/** Consecutive broken progress streams before giving up (the batch itself goes on). */
const reconnects = 6;

interface Progress {
  id: string;
  rows: number;
  rejectedRows: number;
  byStatus: Record<string, number>;
  finished: boolean;
  ratePerSecond: number;
  etaSeconds: number | null;
  failures: { row: number; error: string | null }[];
}

interface RowError {
  row: number;
  field: string;
  rule: string;
  message: string;
  messageZh?: string;
}

/** A reason the command cannot go on, said to the user without a stack trace. */
class CliError extends Error {}
/** A network break or a server error: worth another try while following a batch. */
class Retryable extends Error {}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        template: { type: 'string', default: 'labor-contract-general' },
        'all-or-nothing': { type: 'boolean', default: false },
        'no-send': { type: 'boolean', default: false },
        errors: { type: 'string' },
        key: { type: 'string' },
        watch: { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${usage}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const apiKey = process.env.LABORSIGN_API_KEY?.trim();
  if (!apiKey) throw new CliError('LABORSIGN_API_KEY is not set: the employer API key (an admin creates it with POST /api/v1/admin/employers).\n未设置 LABORSIGN_API_KEY（用人单位的 API 密钥）。');
  if (values.watch ? positionals.length !== 0 : positionals.length !== 1) throw new CliError(usage);
  if (values.key !== undefined && (values.key.length < 8 || values.key.length > 100)) throw new CliError('--key: an Idempotency-Key has 8 to 100 characters');
  const base = (values.url ?? process.env.LABORSIGN_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  try {
    new URL(base);
  } catch {
    throw new CliError(`not a URL: ${base} (LABORSIGN_URL or --url)`);
  }
  return { ...values, sheet: positionals[0], apiKey, base };
}

type Options = ReturnType<typeof options>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(opts: Options, url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(`${opts.base}${url}`, { ...init, headers: { authorization: `Bearer ${opts.apiKey}`, ...init.headers } });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    const cause = (error as Error).cause as { code?: string; message?: string } | undefined;
    throw new Retryable(`cannot reach ${opts.base}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
}

async function problemText(response: Response): Promise<string> {
  const body = await response.text().catch(() => '');
  try {
    const problem = JSON.parse(body) as { title?: string; detail?: string; errors?: { field: string; message: string; messageZh?: string }[] };
    const fields = (problem.errors ?? []).map((e) => `  ${e.field}: ${e.messageZh ?? e.message}`);
    return [`HTTP ${response.status} ${problem.title ?? ''}${problem.detail ? ` — ${problem.detail}` : ''}`, ...fields].join('\n');
  } catch {
    return `HTTP ${response.status} ${response.statusText} ${body.slice(0, 300)}`.trim();
  }
}

function printRowErrors(errors: RowError[]): void {
  if (!errors.length) return;
  console.log(`${new Set(errors.map((e) => e.row)).size} 行未通过校验 (rows refused):`);
  for (const e of errors.slice(0, 50)) console.log(`  第 ${e.row} 行 row ${e.row}  ${e.field}  ${e.messageZh ?? e.message}  [${e.rule}]`);
  if (errors.length > 50) console.log(`  … 另有 ${errors.length - 50} 条 (and ${errors.length - 50} more) in the error report`);
}

function printFailures(failures: Progress['failures']): void {
  if (!failures.length) return;
  console.log(`处理失败的行 (rows failed while processing):`);
  for (const f of failures.slice(0, 50)) console.log(`  第 ${f.row} 行 row ${f.row}  ${f.error ?? ''}`);
}

/** The Idempotency-Key of a submission: the same file with the same options is the same batch. */
function idempotencyKey(data: Uint8Array, query: URLSearchParams): string {
  return `cli-${createHash('sha256').update(data).update('\n').update(query.toString()).digest('hex').slice(0, 48)}`;
}

type Submitted = { kind: 'accepted'; id: string } | { kind: 'refused' };

async function submit(opts: Options): Promise<Submitted> {
  const file = opts.sheet!;
  const extension = path.extname(file).toLowerCase();
  if (extension !== '.csv' && extension !== '.xlsx') throw new CliError(`${file}: the sheet must be .csv (UTF-8) or .xlsx（表格须为 .csv 或 .xlsx）`);
  const data = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  const query = new URLSearchParams({ templateId: opts.template!, allOrNothing: String(opts['all-or-nothing']), send: String(!opts['no-send']) });
  // Re-running the same command after a network failure creates nothing twice.
  const key = opts.key ?? idempotencyKey(data, query);
  let response: Response;
  try {
    response = await call(opts, `/api/v1/batches/sheet?${query}`, { method: 'POST', body: data, headers: { 'content-type': extension === '.csv' ? 'text/csv' : xlsxType, 'idempotency-key': key } });
  } catch (error) {
    if (error instanceof Retryable) throw new CliError(`${error.message}\nRun the same command again: it creates nothing twice (Idempotency-Key ${key}).`);
    throw error;
  }
  if (response.status === 422) {
    const problem = (await response
      .clone()
      .json()
      .catch(() => ({}))) as { detail?: string; rowErrors?: RowError[] };
    if (!problem.rowErrors) throw new CliError(await problemText(response));
    console.log(`未生成任何合同 (nothing was created): ${problem.detail ?? ''}`.trim());
    printRowErrors(problem.rowErrors);
    await writeReport(opts, reportOf(problem.rowErrors));
    return { kind: 'refused' };
  }
  if (!response.ok) throw new CliError(await problemText(response));
  const accepted = (await response.json()) as { id: string; rows: number; replayed: boolean; errors: RowError[] };
  console.log(
    `${accepted.replayed ? '已提交过，继续跟踪 (already submitted; following it)' : '已提交 (submitted)'}: batch ${accepted.id}, ${accepted.rows} rows accepted, ${new Set(accepted.errors.map((e) => e.row)).size} refused`,
  );
  printRowErrors(accepted.errors);
  return { kind: 'accepted', id: accepted.id };
}

/** The report of a refused submission, in the columns of GET /batches/:id/errors.csv. */
function reportOf(errors: RowError[]): string {
  return toCsv([['行号', '列', '规则', '问题说明', 'Problem', '阶段'], ...errors.map((e) => [String(e.row), e.field, e.rule, e.messageZh ?? e.message, e.message, '提交校验未通过（未创建合同）'])]);
}

async function writeReport(opts: Options, csv: string | Uint8Array): Promise<void> {
  const target = opts.errors ?? (opts.sheet ? opts.sheet.replace(/\.(csv|xlsx)$/i, '') + '-errors.csv' : `batch-${opts.watch}-errors.csv`);
  await writeFile(target, csv).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot write the error report ${target}: ${error.code ?? error.message}`);
  });
  console.log(`错误报告 (error report): ${target}`);
}

function isProgress(value: unknown): value is Progress {
  const p = value as Progress;
  return !!p && typeof p === 'object' && typeof p.rows === 'number' && typeof p.finished === 'boolean' && !!p.byStatus && typeof p.byStatus === 'object';
}

/** One connection to the progress stream; returns the last progress seen (finished or not). */
async function streamOnce(opts: Options, id: string, onProgress: (p: Progress) => void): Promise<Progress | undefined> {
  const controller = new AbortController();
  let idle: NodeJS.Timeout | undefined;
  const watchdog = () => {
    clearTimeout(idle);
    idle = setTimeout(() => controller.abort(), streamIdleMs);
  };
  watchdog();
  try {
    const response = await call(opts, `/api/v1/batches/${encodeURIComponent(id)}/events`, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
    if (response.status >= 500 || response.status === 429) throw new Retryable(await problemText(response));
    if (!response.ok || !response.body) throw new CliError(await problemText(response));
    const parser = new SseParser();
    let last: Progress | undefined;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      watchdog();
      for (const { event, data } of parser.push(chunk)) {
        if (event === 'error') throw new Retryable(`the server could not read the progress: ${data}`);
        if (event !== 'progress' && event !== 'finished') continue;
        let progress: unknown;
        try {
          progress = JSON.parse(data);
        } catch {
          continue;
        }
        if (!isProgress(progress)) continue;
        last = progress;
        onProgress(last);
        if (last.finished) return last;
      }
    }
    return last;
  } catch (error) {
    if (error instanceof CliError) throw error;
    if ((error as Error).name === 'AbortError') throw new Retryable(`no progress for ${streamIdleMs / 1000} s`);
    throw error instanceof Retryable ? error : new Retryable((error as Error).message);
  } finally {
    clearTimeout(idle);
    controller.abort();
  }
}

/** Follows the progress until the batch is finished, reconnecting when the stream breaks. */
async function follow(opts: Options, id: string, onProgress: (p: Progress) => void, onBreak: (why: string) => void): Promise<Progress> {
  let broken = 0;
  for (;;) {
    let why = 'the progress stream ended early';
    try {
      const last = await streamOnce(opts, id, (p) => {
        broken = 0;
        onProgress(p);
      });
      if (last?.finished) return last;
    } catch (error) {
      if (!(error instanceof Retryable)) throw error;
      why = error.message;
    }
    if (++broken > reconnects) throw new CliError(`${why}; the batch goes on on the server. Follow it again: ${watchCommand(opts, id)}`);
    onBreak(why);
    await sleep(Math.min(500 * 2 ** broken, 8000));
  }
}

function watchCommand(opts: Options, id: string): string {
  return `npm run batch -- --watch ${id}${opts.url ? ` --url ${opts.url}` : ''}`;
}

function duration(seconds: number): string {
  return seconds < 120 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function bar(p: Progress): string {
  const finished = (p.byStatus.done ?? 0) + (p.byStatus.failed ?? 0);
  const width = 30;
  const filled = p.rows ? Math.min(width, Math.round((finished / p.rows) * width)) : width;
  const eta = p.etaSeconds === null ? '—' : duration(p.etaSeconds);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${finished}/${p.rows}  ${p.ratePerSecond} 份/s  ETA ${eta}${p.byStatus.failed ? `  failed ${p.byStatus.failed}` : ''}`;
}

async function main(): Promise<number> {
  const opts = options();
  const started = Date.now();
  const tty = !!process.stderr.isTTY;
  let attached: string | undefined;
  let drawn = false;
  process.once('SIGINT', () => {
    if (drawn) process.stderr.write('\n');
    if (attached) console.log(`已断开；批次仍在服务器上继续 (detached; the batch goes on). Follow it again: ${watchCommand(opts, attached)}`);
    else console.log('已中断 (interrupted). Running the same command again creates nothing twice.');
    process.exit(130);
  });

  let id: string;
  if (opts.watch) id = opts.watch;
  else {
    const submitted = await submit(opts);
    if (submitted.kind === 'refused') return 2;
    id = submitted.id;
  }
  attached = id;

  let lastLine = 0;
  const final = await follow(
    opts,
    id,
    (p) => {
      if (tty) {
        process.stderr.write(`\r${bar(p)}   `);
        drawn = true;
      } else if (Date.now() - lastLine >= 5000 || p.finished) {
        lastLine = Date.now();
        process.stderr.write(`${bar(p)}\n`);
      }
    },
    (why) => {
      if (drawn) process.stderr.write('\n');
      drawn = false;
      process.stderr.write(`进度连接中断，正在重连 (progress stream broken, reconnecting): ${why}\n`);
    },
  );
  if (drawn) process.stderr.write('\n');
  drawn = false;
  const done = final.byStatus.done ?? 0;
  const failed = final.byStatus.failed ?? 0;
  printFailures(final.failures ?? []);
  console.log(`完成 (finished): ${done} done, ${failed} failed, ${final.rejectedRows} refused, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failed || final.rejectedRows) {
    const report = await call(opts, `/api/v1/batches/${encodeURIComponent(id)}/errors.csv`).catch((error: Error) => {
      throw new CliError(error.message);
    });
    if (!report.ok) throw new CliError(await problemText(report));
    // The bytes as sent: text() would drop the byte-order mark Excel needs to read Chinese.
    await writeReport(opts, new Uint8Array(await report.arrayBuffer()));
    return 2;
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof CliError || error instanceof Retryable ? error.message : `error: ${(error as Error).message ?? error}`);
  if (!(error instanceof CliError || error instanceof Retryable) && process.env.LABORSIGN_DEBUG) console.error(error);
  process.exitCode = 1;
}
