/**
 * A bulk batch end to end (issue 6: ≥ 200 contracts/s, 10,000 in ≤ 60 s, ≤ 512 MB per
 * process): the service process (`src/main.ts`) accepts the rows over HTTP and validates them;
 * two `src/worker.ts` processes render, seal, timestamp, archive and send each contract through
 * the shared queue. Embedded PostgreSQL and S3 run on the same machine, as in the default
 * install. BENCH_BATCH_ROWS overrides the row count, BENCH_BATCH_CONCURRENCY the jobs per worker.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { batchChunkRows } from '../../src/services/batches.ts';
import { TemplateCatalog } from '../../src/templates/catalog.ts';
import { launchOf } from '../launch.ts';
import { startRgw, type RgwHandle } from '../rgw.ts';

/**
 * The environment and V8 options of `npm start` (the service) and `npm run worker` (package.json),
 * so the figures are those processes'. BENCH_NODE_OPTIONS replaces both processes' V8 options.
 */
const launches = { 'main.ts': launchOf('start'), 'worker.ts': launchOf('worker') };
const optionsOverride = process.env.BENCH_NODE_OPTIONS?.split(' ').filter(Boolean);

export const title = `Bulk batch of ${Number(process.env.BENCH_BATCH_ROWS ?? 10_000).toLocaleString('en')} contracts (two worker processes)`;
/** `--store rgw`: the archive is a Ceph RADOS Gateway (object lock, versioning) instead of the embedded endpoint. */
export const usesStore = true;

const root = path.resolve(import.meta.dirname, '../..');

/** Resident (and peak) memory of a process, from /proc, in MiB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** CPU seconds used so far by a process (user + system), from /proc. */
export function cpuSecondsOf(pid: number): number {
  const { user, kernel } = cpuTimesOf(pid);
  return user + kernel;
}

/** CPU seconds a process has used in user space and in the kernel (on its behalf: file writes, page faults, sockets). */
export function cpuTimesOf(pid: number): { user: number; kernel: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: Number(fields[11]) / 100, kernel: Number(fields[12]) / 100 };
}

/** CPU seconds of every PostgreSQL server process on the machine. */
function postgresCpuSeconds(): number {
  const pids = execFileSync('ps', ['-C', 'postgres', '-o', 'pid='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter(Boolean);
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

/** Starts `src/<file>` as its own process with the V8 options `npm start` / `npm run worker` use. */
function startProcess(file: keyof typeof launches, env: NodeJS.ProcessEnv, isReady: (output: string) => boolean | Promise<boolean>): Promise<ChildProcess> {
  const launch = launches[file];
  const child = spawn(process.execPath, [...(optionsOverride ?? launch.nodeOptions), '--import', 'tsx', path.join(root, 'src', file)], {
    cwd: root,
    env: { ...process.env, ...launch.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}: ${output}`)));
    const poll = async () => ((await isReady(output)) ? resolve(child) : setTimeout(poll, 250));
    void poll();
  });
}

export async function run(): Promise<string> {
  const rowCount = Number(process.env.BENCH_BATCH_ROWS ?? 10_000);
  const perWorker = Number(process.env.BENCH_BATCH_CONCURRENCY ?? 2);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'laborsign-bench-'));
  // Run as root, embedded PostgreSQL works as the postgres user, which must reach its directory.
  await chmod(dataDir, 0o755);
  const port = 55490;
  const env = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    PORT: String(port),
    EMBEDDED_PG_PORT: '55491',
    EMBEDDED_S3_PORT: '55492',
    MASTER_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: `bench-${randomBytes(12).toString('hex')}`,
  };
  const base = `http://127.0.0.1:${port}`;
  const processes: ChildProcess[] = [];
  let rgw: RgwHandle | undefined;
  try {
    if (process.env.BENCH_STORE === 'rgw') {
      rgw = await startRgw(55493);
      Object.assign(env, rgw.env, { MINIO_BUCKET: 'laborsign-bench' });
    }
    // The service (API and the embedded S3 endpoint, no batch work of its own), then two workers.
    const service = await startProcess('main.ts', { ...env, BATCH_WORKERS: '0' }, async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.ok === true);
    processes.push(service);
    for (let i = 0; i < 2; i++) processes.push(await startProcess('worker.ts', { ...env, BATCH_WORKERS: String(perWorker) }, (output) => output.includes('working on the batch queue')));
    const workers = processes.slice(1);
    const call = async (url: string, key: string, body?: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(`${base}${url}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${url}: ${response.status} ${text.slice(0, 500)}`);
      return JSON.parse(text);
    };
    const employerKey = (
      await call('/api/v1/admin/employers', env.ADMIN_TOKEN, {
        name: '山西示范能源集团有限公司',
        uscc: '91140105MA0KXH8T39',
        legalRepresentative: '李红梅',
        address: '山西省太原市小店区长治路100号',
        regionCode: '140105',
      })
    ).apiKey as string;
    const templateId = 'labor-contract-general';
    const now = Date.now();
    await call('/api/v1/seal-authorisations', employerKey, {
      templateIds: [templateId],
      validFrom: new Date(now - 60_000).toISOString(),
      validUntil: new Date(now + 86_400_000).toISOString(),
      grantedBy: '李红梅（法定代表人）',
    });
    const example = (await TemplateCatalog.load()).get(templateId)!.example;
    const { employer: _employer, worker: _worker, ...shared } = example;

    const rows = Array.from({ length: rowCount }, (_, i) => ({ worker: benchWorker(i) }));
    const peaks = new Map<number, number>();
    const sample = () => {
      for (const child of processes) peaks.set(child.pid!, Math.max(peaks.get(child.pid!) ?? 0, memoryOf(child.pid!).peak));
    };
    const kernelSeconds = () => processes.reduce((sum, child) => sum + cpuTimesOf(child.pid!).kernel, 0);
    // The gateway's processes (monitor, OSD, radosgw), by the pids its start script recorded.
    const cephCpuSeconds = () =>
      rgw
        ? readFileSync(path.join(rgw.dir, 'pids'), 'utf8')
            .split('\n')
            .filter(Boolean)
            .reduce((sum, pid) => sum + cpuSecondsOf(Number(pid)), 0)
        : 0;
    const cpuBefore = { workers: workers.map((w) => cpuSecondsOf(w.pid!)), service: cpuSecondsOf(service.pid!), postgres: postgresCpuSeconds(), kernel: kernelSeconds(), ceph: cephCpuSeconds() };
    const started = performance.now();
    const { id, errors } = (await call('/api/v1/batches', employerKey, { templateId, shared, rows }, { 'idempotency-key': `bench-${now}` })) as { id: string; errors: unknown[] };
    const accepted = performance.now();
    if (errors.length) throw new Error(`rows rejected: ${JSON.stringify(errors.slice(0, 3))}`);
    let progress: { finished: boolean; byStatus: Record<string, number> };
    do {
      await new Promise((resolve) => setTimeout(resolve, 250));
      sample();
      progress = await call(`/api/v1/batches/${id}`, employerKey);
      process.stdout.write(`\r${JSON.stringify(progress.byStatus)}   `);
    } while (!progress.finished);
    const wall = (performance.now() - started) / 1000;
    const cpu = {
      workers: workers.map((w, i) => cpuSecondsOf(w.pid!) - cpuBefore.workers[i]!),
      service: cpuSecondsOf(service.pid!) - cpuBefore.service,
      postgres: postgresCpuSeconds() - cpuBefore.postgres,
      kernel: kernelSeconds() - cpuBefore.kernel,
      ceph: cephCpuSeconds() - cpuBefore.ceph,
    };
    const working = (performance.now() - accepted) / 1000;
    sample();
    process.stdout.write('\n');
    const done = progress.byStatus.done ?? 0;
    const sent = ((await call(`/api/v1/batches/${id}/rows?limit=1000`, employerKey)).items as { contractStatus: string }[]).filter((r) => r.contractStatus === 'sent').length;
    const lines = [
      `| rows | done | wall time (submit → last row) | of which validation and queueing | contracts per second | peak RSS per worker process | peak RSS, service process |`,
      `|---|---|---|---|---|---|---|`,
      `| ${rowCount} | ${done} | ${wall.toFixed(1)} s | ${((accepted - started) / 1000).toFixed(1)} s | ${(done / wall).toFixed(0)} | ${workers.map((w) => `${peaks.get(w.pid!)!.toFixed(0)} MiB`).join(', ')} | ${peaks.get(service.pid!)!.toFixed(0)} MiB |`,
      '',
      `Three processes as deployed: \`npm start\` with \`BATCH_WORKERS=0\` (API${rgw ? '' : ' and the embedded S3 endpoint'}) and two \`npm run worker\` processes, each working ${perWorker} jobs of ${batchChunkRows} rows at a time ` +
        `(of the first ${Math.min(1000, done)} rows, ${sent} checked sealed and sent). After the rows were accepted the workers took ${working.toFixed(1)} s (${(done / working).toFixed(0)} contracts/s). ` +
        `CPU time used: worker processes ${cpu.workers.map((c) => `${c.toFixed(1)} s`).join(' + ')}, service process ${cpu.service.toFixed(1)} s, PostgreSQL ${cpu.postgres.toFixed(1)} s${rgw ? `, Ceph (monitor, OSD, radosgw) ${cpu.ceph.toFixed(1)} s` : ''}; of the three LaborSign processes' time ${cpu.kernel.toFixed(1)} s in the kernel ` +
        `(${(((cpu.workers.reduce((a, b) => a + b, 0) + cpu.service + cpu.postgres + cpu.ceph) * 1000) / done).toFixed(1)} ms of CPU per contract). ` +
        `Targets: ≥ 200 contracts/s, ≤ 60 s, ≤ 512 MB per process. Embedded PostgreSQL 17 and ${rgw ? 'a single-node Ceph RADOS Gateway (in-memory OSD; bucket with object lock and default COMPLIANCE retention, versioning)' : 'the embedded S3 endpoint'} shared the same two cores.`,
    ];
    return lines.join('\n');
  } finally {
    for (const child of processes.reverse()) {
      if (child.exitCode !== null) continue;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await rgw?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
