/**
 * `npm run load` (issue 19): 200 concurrent workers sign through their links, log in to the
 * portal and download their contracts while employer clients read, for 60 s, against the
 * service started as `npm start` starts it (its own process, embedded PostgreSQL and S3 on
 * defaults). Targets: 0 errors, p99 ≤ 300 ms, the service's peak RSS ≤ 512 MB.
 * LOAD_WORKERS, LOAD_SECONDS, LOAD_THINK_MS and LOAD_SEED change the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchOf } from '../launch.ts';
import { runLoad } from '../load/run.ts';

const workers = Number(process.env.LOAD_WORKERS ?? 200);
const seconds = Number(process.env.LOAD_SECONDS ?? 60);
const thinkMs = Number(process.env.LOAD_THINK_MS ?? 2000);
const seed = Number(process.env.LOAD_SEED ?? 19);

export const title = `Load: ${workers} concurrent workers signing and using the portal for ${seconds} s`;

export async function run(): Promise<string> {
  const root = path.resolve(import.meta.dirname, '../..');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'laborsign-load-'));
  // Run as root, embedded PostgreSQL works as the postgres user, which must reach its directory.
  await chmod(dataDir, 0o755);
  const port = 55480;
  const adminToken = `load-${randomBytes(12).toString('hex')}`;
  const launch = launchOf('start');
  const env = {
    ...process.env,
    ...launch.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    PORT: String(port),
    EMBEDDED_PG_PORT: '55481',
    EMBEDDED_S3_PORT: '55482',
    MASTER_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: adminToken,
    // The clients stand behind a proxy on loopback, each with its own address.
    TRUST_PROXY: '127.0.0.1',
  };
  let service: ChildProcess | undefined;
  try {
    service = spawn(process.execPath, [...launch.nodeOptions, '--import', 'tsx', path.join(root, 'src/main.ts')], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
    const base = `http://127.0.0.1:${port}`;
    for (;;) {
      if (service.exitCode !== null) throw new Error(`the service exited with ${service.exitCode}`);
      if ((await fetch(`${base}/readyz`).catch(() => undefined))?.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const result = await runLoad({ baseUrl: base, adminToken, workers, durationMs: seconds * 1000, seed, thinkMs, servicePid: service.pid!, log: console.log });
    const { p50, p90, p99, max } = result.latencyMs;
    const errorLines = result.errors
      .slice(0, 10)
      .map((line) => `- ${line}`)
      .join('\n');
    return [
      '| workers | requests | errors | p50 | p90 | p99 | max | signed | portal logins | downloads | employer reads | service peak RSS |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      `| ${workers} | ${result.requests} (${(result.requests / result.seconds).toFixed(0)}/s over ${result.seconds.toFixed(1)} s) | ${result.errors.length} | ${p50} ms | ${p90} ms | ${p99} ms | ${max} ms | ${result.signed} | ${result.portalLogins} | ${result.downloads} | ${result.employerReads} | ${result.peakRssMiB} MiB |`,
      '',
      `Each worker: open its link, the PDF, read, identity, code, prepare, WebCrypto signature, complete; then a portal code, login, and its contract list and PDF every ${thinkMs / 2000}–${(thinkMs * 1.5) / 1000} s; ${Math.max(1, Math.round(workers / 10))} employer clients read contracts, audit trails and templates at the same pace. Seed ${seed}. Contracts were created, sealed and sent before the clock started. Latencies are as the client on the same machine saw them; reading codes from the development outbox is not counted. The service ran as \`npm start\` runs it (embedded PostgreSQL and S3 in and beside its process). Targets: 0 errors, p99 ≤ 300 ms, peak RSS ≤ 512 MB.`,
      ...(errorLines ? ['', 'First errors:', '', errorLines] : []),
    ].join('\n');
  } finally {
    if (service && service.exitCode === null) {
      service.kill('SIGTERM');
      await new Promise((resolve) => service!.once('exit', resolve));
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}
