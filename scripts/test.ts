/**
 * `npm test`: runs the tap suite against real infrastructure. Without DATABASE_URL it starts an
 * embedded PostgreSQL in a temporary directory; without MINIO_ENDPOINT an embedded S3 endpoint.
 * Each test file then creates its own database on that server. Ends with `N passed, N failed`.
 * Extra arguments go to tap (e.g. `npm test -- test/http/admin.test.ts`).
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.ts';
import { startEmbeddedS3 } from '../src/infra/embedded-s3.ts';

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

const scratch = await mkdtemp(path.join(tmpdir(), 'laborsign-test-'));
// Run as root, PostgreSQL runs as the `postgres` user and must be able to enter the directory.
await chmod(scratch, 0o755);
const stops: Array<() => Promise<void>> = [];
const env: NodeJS.ProcessEnv = { ...process.env, LABORSIGN_TEST_SCRATCH: scratch };

if (process.env.DATABASE_URL) {
  env.TEST_PG_SERVER_URL = process.env.DATABASE_URL;
  console.log('tests use the PostgreSQL server at DATABASE_URL');
} else {
  const pg = await startEmbeddedPostgres({ dir: path.join(scratch, 'postgres'), port: await freePort() });
  stops.push(() => pg.stop());
  env.TEST_PG_SERVER_URL = pg.serverUrl;
  console.log('tests use an embedded PostgreSQL');
}
delete env.DATABASE_URL;

if (process.env.MINIO_ENDPOINT) {
  env.TEST_S3_ENDPOINT = process.env.MINIO_ENDPOINT;
  env.TEST_S3_ACCESS_KEY = process.env.MINIO_ACCESS_KEY;
  env.TEST_S3_SECRET_KEY = process.env.MINIO_SECRET_KEY;
} else {
  const s3Dir = path.join(scratch, 's3');
  const s3 = await startEmbeddedS3({ dir: s3Dir, port: 0 });
  stops.push(() => s3.stop());
  Object.assign(env, { TEST_S3_ENDPOINT: s3.endpoint, TEST_S3_ACCESS_KEY: s3.accessKey, TEST_S3_SECRET_KEY: s3.secretKey, TEST_S3_DIR: s3Dir });
}
delete env.MINIO_ENDPOINT;

const tapCli = path.resolve(import.meta.dirname, '../node_modules/tap/dist/esm/run.mjs');
const child = spawn(process.execPath, [tapCli, ...process.argv.slice(2)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
let tail = '';
child.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
});
const code: number = await new Promise((resolve) => child.on('close', (status) => resolve(status ?? 1)));

for (const stop of stops.reverse()) await stop().catch(() => undefined);
await rm(scratch, { recursive: true, force: true }).catch(() => undefined);

// tap closes with a line such as `# { total: 12, pass: 11, fail: 1, skip: 2 }`.
const summary =
  /#\s*\{([^}]*)\}/.exec(
    tail
      .split('\n')
      .filter((line) => line.includes('total'))
      .at(-1) ?? '',
  )?.[1] ?? '';
const count = (name: string) => Number(new RegExp(`${name}:\\s*(\\d+)`).exec(summary)?.[1] ?? 0);
const failed = count('fail') + (code !== 0 && count('fail') === 0 ? 1 : 0);
// A failing exit with no failed test (a runner error, a signal): say so, or nobody can tell why.
if (code !== 0 && count('fail') === 0) console.log(`tap exited with code ${code} and no failed test; last output:\n${tail.slice(-1500)}`);
console.log(`${count('pass')} passed, ${failed} failed${count('skip') ? `, ${count('skip')} skipped` : ''}`);
process.exit(code);
