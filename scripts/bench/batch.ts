/**
 * A bulk batch end to end (issue 6: ≥ 200 contracts/s, 10,000 in ≤ 60 s, ≤ 512 MB per
 * process): the service process accepts the rows over HTTP and validates them; two
 * `npm run worker` processes render, seal, timestamp, archive and send each contract through
 * the shared queue. Embedded PostgreSQL and S3 run on the same machine, as in the default
 * install. BENCH_BATCH_ROWS overrides the row count.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { buildApp } from '../../src/http/app.ts';
import { startPlatform } from '../../src/runtime.ts';

/** The V8 options `npm run worker` starts with (package.json), so the figure is that process's. */
const workerNodeOptions = (process.env.BENCH_WORKER_NODE_OPTIONS ?? '--max-old-space-size=320 --max-semi-space-size=32').split(' ').filter(Boolean);

export const title = 'Bulk batch of 10,000 contracts (two worker processes)';

const root = path.resolve(import.meta.dirname, '../..');

/** Resident (and peak) memory of a process, from /proc, in MiB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** CPU seconds used so far by a process (user + system), from /proc. */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of every PostgreSQL server process on the machine. */
function postgresCpuSeconds(): number {
  const pids = execFileSync('ps', ['-C', 'postgres', '-o', 'pid='], { encoding: 'utf8' }).split('\n').map((line) => Number(line.trim())).filter(Boolean);
  return pids.reduce((sum, pid) => {
    try {
      return sum + cpuSecondsOf(pid);
    } catch {
      return sum; // ended meanwhile
    }
  }, 0);
}

/** The n-th distinct worker: born on a different day (or with a different sequence) each. */
export function benchWorker(n: number) {
  const birth = new Date(Date.UTC(1975, 0, 1) + (n % 7000) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `140105${birth}${String(100 + Math.floor(n / 7000)).padStart(3, '0')}`;
  return { name: `职工${n}`, idNumber: first17 + residentIdCheckCharacter(first17), address: '山西省太原市小店区', phone: `139${String(n).padStart(8, '0')}` };
}

export async function run(): Promise<string> {
  const rowCount = Number(process.env.BENCH_BATCH_ROWS ?? 10_000);
  const perWorker = Number(process.env.BENCH_BATCH_CONCURRENCY ?? 2);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'laborsign-bench-'));
  // Run as root, embedded PostgreSQL works as the postgres user, which must reach its directory.
  await chmod(dataDir, 0o755);
  const env = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: '55491',
    EMBEDDED_S3_PORT: '55492',
    MASTER_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: `bench-${randomBytes(12).toString('hex')}`,
    BATCH_WORKERS: '0',
  };
  const platform = await startPlatform(loadConfig(env));
  const app = await buildApp(platform, { logger: false });
  const workers: ChildProcess[] = [];
  try {
    const admin = { authorization: `Bearer ${env.ADMIN_TOKEN}` };
    const created = await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: { name: '山西示范能源集团有限公司', uscc: '91140105MA0KXH8T39', legalRepresentative: '李红梅', address: '山西省太原市小店区长治路100号', regionCode: '140105' } });
    const employer = { authorization: `Bearer ${created.json().apiKey}` };
    const template = platform.templates.get('labor-contract-general')!;
    const now = Date.now();
    await app.inject({ method: 'POST', url: '/api/v1/seal-authorisations', headers: employer, payload: { templateIds: [template.id], validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 86_400_000).toISOString(), grantedBy: '李红梅（法定代表人）' } });
    const { employer: _employer, worker: _worker, ...shared } = template.example as Record<string, unknown>;

    for (let i = 0; i < 2; i++) {
      const child = spawn(process.execPath, [...workerNodeOptions, '--import', 'tsx', path.join(root, 'src/worker.ts')], { cwd: root, env: { ...process.env, ...env, BATCH_WORKERS: String(perWorker) }, stdio: ['ignore', 'pipe', 'inherit'] });
      workers.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('working on the batch queue') && resolve());
        child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      });
    }

    const rows = Array.from({ length: rowCount }, (_, i) => ({ worker: benchWorker(i) }));
    const peaks = new Map<number, number>();
    const sample = () => {
      for (const child of workers) peaks.set(child.pid!, Math.max(peaks.get(child.pid!) ?? 0, memoryOf(child.pid!).peak));
    };
    const cpuBefore = { workers: workers.map((w) => cpuSecondsOf(w.pid!)), service: cpuSecondsOf(process.pid), postgres: postgresCpuSeconds() };
    const started = performance.now();
    const submitted = await app.inject({ method: 'POST', url: '/api/v1/batches', headers: { ...employer, 'idempotency-key': `bench-${now}` }, payload: { templateId: template.id, shared, rows } });
    if (submitted.statusCode !== 202) throw new Error(`submit: ${submitted.statusCode} ${submitted.body.slice(0, 500)}`);
    const accepted = performance.now();
    const { id, errors } = submitted.json() as { id: string; errors: unknown[] };
    if (errors.length) throw new Error(`rows rejected: ${JSON.stringify(errors.slice(0, 3))}`);
    let progress: { finished: boolean; byStatus: Record<string, number> };
    let firstDone = 0;
    do {
      await new Promise((resolve) => setTimeout(resolve, 250));
      sample();
      progress = (await app.inject({ method: 'GET', url: `/api/v1/batches/${id}`, headers: employer })).json();
      if (!firstDone && progress.byStatus.done) firstDone = performance.now();
      process.stdout.write(`\r${JSON.stringify(progress.byStatus)}   `);
    } while (!progress.finished);
    const wall = (performance.now() - started) / 1000;
    const cpu = {
      workers: workers.map((w, i) => cpuSecondsOf(w.pid!) - cpuBefore.workers[i]!),
      service: cpuSecondsOf(process.pid) - cpuBefore.service,
      postgres: postgresCpuSeconds() - cpuBefore.postgres,
    };
    const working = (performance.now() - accepted) / 1000;
    sample();
    process.stdout.write('\n');
    const done = progress.byStatus.done ?? 0;
    const contracts = await platform.db.contract.count({ where: { batchId: id, status: 'sent' } });
    const coordinator = memoryOf(process.pid).peak;
    const rowsPerSecond = done / wall;
    const lines = [
      `| rows | done | sent contracts | wall time (submit → last row) | of which validation and queueing | contracts per second | peak RSS per worker process | peak RSS, service process |`,
      `|---|---|---|---|---|---|---|---|`,
      `| ${rowCount} | ${done} | ${contracts} | ${wall.toFixed(1)} s | ${((accepted - started) / 1000).toFixed(1)} s | ${rowsPerSecond.toFixed(0)} | ${[...peaks.values()].map((p) => `${p.toFixed(0)} MiB`).join(', ')} | ${coordinator.toFixed(0)} MiB |`,
      '',
      `Each worker process ran ${perWorker} jobs at a time; after the rows were accepted the workers took ${working.toFixed(1)} s (${(done / working).toFixed(0)} contracts/s). ` +
        `CPU time used: worker processes ${cpu.workers.map((c) => `${c.toFixed(1)} s`).join(' + ')}, service process with the embedded S3 endpoint ${cpu.service.toFixed(1)} s, PostgreSQL ${cpu.postgres.toFixed(1)} s ` +
        `(${(((cpu.workers.reduce((a, b) => a + b, 0) + cpu.service + cpu.postgres) * 1000) / done).toFixed(1)} ms of CPU per contract). ` +
        `Targets: ≥ 200 contracts/s, ≤ 60 s, ≤ 512 MB per process. Embedded PostgreSQL 17 and the embedded S3 endpoint shared the same two cores.`,
    ];
    return lines.join('\n');
  } finally {
    for (const child of workers) child.kill('SIGTERM');
    await Promise.all(workers.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    await app.close();
    await platform.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
