/**
 * `npm run batch -- sheet.xlsx --template labor-contract-general`: uploads a batch sheet to a
 * running LaborSign, prints every refused row, follows the progress (a bar on a terminal,
 * plain lines in a log) and writes the error report. Exit 0: every row done; 2: some rows
 * refused or failed; 1: the command could not run.
 *
 *   LABORSIGN_URL      the service (default http://127.0.0.1:3000)
 *   LABORSIGN_API_KEY  the employer's API key
 *
 *   --template <id>    template of the sheet's rows (default labor-contract-general)
 *   --all-or-nothing   create nothing unless every row is valid
 *   --no-send          seal, but do not send the signing links yet
 *   --errors <file>    where the error report goes (default <sheet>-errors.csv)
 *   --key <key>        Idempotency-Key (default: derived from the file and options)
 *   --watch <batchId>  follow a batch already submitted
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

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

class CliError extends Error {}

function options() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      template: { type: 'string', default: 'labor-contract-general' },
      'all-or-nothing': { type: 'boolean', default: false },
      'no-send': { type: 'boolean', default: false },
      errors: { type: 'string' },
      key: { type: 'string' },
      watch: { type: 'string' },
      url: { type: 'string' },
    },
  });
  const apiKey = process.env.LABORSIGN_API_KEY;
  if (!apiKey) throw new CliError('LABORSIGN_API_KEY is not set: the employer API key (an admin creates it with POST /api/v1/admin/employers).');
  if (!values.watch && positionals.length !== 1) throw new CliError('usage: npm run batch -- <sheet.csv|sheet.xlsx> [--template id] [--all-or-nothing] [--no-send] [--errors file] [--key key] | --watch <batchId>');
  return { ...values, sheet: positionals[0], apiKey, base: (values.url ?? process.env.LABORSIGN_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '') };
}

type Options = ReturnType<typeof options>;

async function call(opts: Options, url: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${opts.base}${url}`, { ...init, headers: { authorization: `Bearer ${opts.apiKey}`, ...init.headers } });
  } catch (error) {
    throw new CliError(`cannot reach ${opts.base}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  return response;
}

async function problemText(response: Response): Promise<string> {
  const body = await response.text();
  try {
    const problem = JSON.parse(body) as { title?: string; detail?: string; errors?: { field: string; message: string; messageZh?: string }[] };
    const fields = (problem.errors ?? []).map((e) => `  ${e.field}: ${e.messageZh ?? e.message}`);
    return [`${response.status} ${problem.title ?? ''}${problem.detail ? ` — ${problem.detail}` : ''}`, ...fields].join('\n');
  } catch {
    return `${response.status} ${body.slice(0, 300)}`;
  }
}

function printRowErrors(errors: RowError[]): void {
  if (!errors.length) return;
  console.log(`${new Set(errors.map((e) => e.row)).size} 行未通过校验 (rows refused):`);
  for (const e of errors.slice(0, 50)) console.log(`  第 ${e.row} 行 row ${e.row}  ${e.field}  ${e.messageZh ?? e.message}  [${e.rule}]`);
  if (errors.length > 50) console.log(`  … and ${errors.length - 50} more in the error report`);
}

async function submit(opts: Options): Promise<{ id: string; errors: RowError[] }> {
  const file = opts.sheet!;
  const data = await readFile(file).catch(() => {
    throw new CliError(`cannot read ${file}`);
  });
  const extension = path.extname(file).toLowerCase();
  if (extension !== '.csv' && extension !== '.xlsx') throw new CliError(`${file}: the sheet must be .csv (UTF-8) or .xlsx`);
  const query = new URLSearchParams({ templateId: opts.template!, allOrNothing: String(opts['all-or-nothing']), send: String(!opts['no-send']) });
  // The same file with the same options is the same batch: re-running after a failure creates nothing twice.
  const key = opts.key ?? `cli-${createHash('sha256').update(data).update(query.toString()).digest('hex').slice(0, 40)}`;
  const response = await call(opts, `/api/v1/batches/sheet?${query}`, { method: 'POST', body: data, headers: { 'content-type': extension === '.csv' ? 'text/csv' : xlsxType, 'idempotency-key': key } });
  if (response.status === 422) {
    const problem = (await response.json()) as { detail?: string; rowErrors?: RowError[] };
    console.log(problem.detail ?? 'nothing was created');
    printRowErrors(problem.rowErrors ?? []);
    await writeReport(opts, reportOf(problem.rowErrors ?? []));
    process.exit(2);
  }
  if (!response.ok) throw new CliError(await problemText(response));
  const accepted = (await response.json()) as { id: string; rows: number; replayed: boolean; errors: RowError[] };
  console.log(`${accepted.replayed ? '已提交过，继续跟踪 (already submitted; following it)' : '已提交 (submitted)'}: batch ${accepted.id}, ${accepted.rows} rows accepted`);
  printRowErrors(accepted.errors);
  return accepted;
}

function reportOf(errors: RowError[]): string {
  const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  return `\uFEFF${[['行号', '列', '规则', '问题说明', 'Problem'], ...errors.map((e) => [String(e.row), e.field, e.rule, e.messageZh ?? e.message, e.message])].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

async function writeReport(opts: Options, csv: string): Promise<void> {
  const target = opts.errors ?? (opts.sheet ? opts.sheet.replace(/\.(csv|xlsx)$/i, '') + '-errors.csv' : `batch-${opts.watch}-errors.csv`);
  await writeFile(target, csv);
  console.log(`错误报告 (error report): ${target}`);
}

/** Follows the server-sent progress events until the batch is finished. */
async function follow(opts: Options, id: string, onProgress: (p: Progress) => void): Promise<Progress> {
  const response = await call(opts, `/api/v1/batches/${id}/events`);
  if (!response.ok || !response.body) throw new CliError(await problemText(response));
  const decoder = new TextDecoder();
  let buffer = '';
  let last: Progress | undefined;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame.split('\n').find((line) => line.startsWith('data: '));
      if (!data) continue;
      last = JSON.parse(data.slice(6)) as Progress;
      onProgress(last);
    }
  }
  if (!last?.finished) throw new CliError('the progress stream ended before the batch finished; re-attach with --watch ' + id);
  return last;
}

function bar(p: Progress): string {
  const finished = (p.byStatus.done ?? 0) + (p.byStatus.failed ?? 0);
  const width = 30;
  const filled = p.rows ? Math.round((finished / p.rows) * width) : width;
  const eta = p.etaSeconds === null ? '—' : `${p.etaSeconds} s`;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${finished}/${p.rows}  ${p.ratePerSecond} 份/s  ETA ${eta}${p.byStatus.failed ? `  failed ${p.byStatus.failed}` : ''}`;
}

async function main(): Promise<number> {
  const opts = options();
  const started = Date.now();
  const { id } = opts.watch ? { id: opts.watch } : await submit(opts);
  process.once('SIGINT', () => {
    console.log(`\n已断开；批次仍在服务器上继续 (detached; the batch goes on). Follow it again: npm run batch -- --watch ${id}`);
    process.exit(130);
  });
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  const final = await follow(opts, id, (p) => {
    if (tty) process.stderr.write(`\r${bar(p)}   `);
    else if (Date.now() - lastLine > 5000 || p.finished) {
      lastLine = Date.now();
      process.stderr.write(`${bar(p)}\n`);
    }
  });
  if (tty) process.stderr.write('\n');
  const done = final.byStatus.done ?? 0;
  const failed = final.byStatus.failed ?? 0;
  console.log(`完成 (finished): ${done} done, ${failed} failed, ${final.rejectedRows} refused, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failed || final.rejectedRows) {
    const report = await call(opts, `/api/v1/batches/${id}/errors.csv`);
    if (!report.ok) throw new CliError(await problemText(report));
    await writeReport(opts, await report.text());
    return 2;
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
