/**
 * The service as deployed (`npm start`'s Node options, from package.json) in a child process
 * over a test platform's database, bucket and keys, so that a test measures that process's
 * own peak RSS (VmHWM) and sees it die, apart from the test's own memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { launchOf } from '../../scripts/launch.ts';
import type { TestPlatform } from './platform.ts';

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** Peak resident set size so far, in bytes (from /proc). */
  peakRss(): number;
  alive(): boolean;
  /** The tail of what the process logged (errors) and wrote to stderr. */
  stderr(): string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function startServiceProcess(t: { teardown(fn: () => unknown): void }, test: TestPlatform, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const { config } = test.platform;
  const launch = launchOf('start');
  const port = await freePort();
  const child = spawn(process.execPath, [...launch.nodeOptions, '--import', 'tsx', path.resolve('src/main.ts')], {
    env: {
      ...process.env,
      ...launch.env,
      NODE_ENV: 'test',
      // Errors only (a 500's stack), kept in a short tail for the test's messages.
      LOG_LEVEL: 'error',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: config.DATA_DIR,
      DATABASE_URL: config.DATABASE_URL!,
      MINIO_ENDPOINT: config.MINIO_ENDPOINT!,
      MINIO_ACCESS_KEY: config.MINIO_ACCESS_KEY!,
      MINIO_SECRET_KEY: config.MINIO_SECRET_KEY!,
      MINIO_BUCKET: config.MINIO_BUCKET,
      MASTER_KEY: Buffer.from(config.MASTER_KEY!).toString('base64'),
      ADMIN_TOKEN: test.adminToken,
      BATCH_WORKERS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const keep = (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000));
  child.stderr!.on('data', (chunk: Buffer) =>
    keep(
      Buffer.from(
        chunk
          .toString()
          .split('\n')
          .filter((line) => line && !/^(Trying to parse invalid object|Invalid object ref)/.test(line))
          .join('\n'),
      ),
    ),
  );
  // pdf-lib prints parse warnings on stdout; only the log's error lines are kept.
  child.stdout!.on('data', (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter((line) => line.includes('"level":50'))
      .forEach((line) => keep(Buffer.from(`${line}\n`))),
  );
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  const url = `http://127.0.0.1:${port}`;
  // A loaded 2-core machine may take long to start it: the wait is generous, not a measurement.
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}: ${stderr}`);
    const ready = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`the service did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    child,
    peakRss: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    alive: () => child.exitCode === null && child.signalCode === null,
    stderr: () => stderr,
  };
}
