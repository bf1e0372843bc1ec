/**
 * The README's first command: `npm start` with no configuration brings the service up on
 * embedded PostgreSQL and S3 and /readyz answers 200. Runs the real entry point in a child process.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

t.test('npm start on embedded defaults becomes ready', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'laborsign-start-'));
  await chmod(dataDir, 0o755);
  const [port, pgPort, s3Port] = [await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), EMBEDDED_S3_PORT: String(s3Port), LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/main.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  t.teardown(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  let ready: Response | undefined;
  for (let attempt = 0; attempt < 120 && !ready?.ok; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
  }
  t.equal(ready?.status, 200, output);
  t.match(await ready?.json(), { status: 'ready', embedded: { postgres: true, s3: true } });
  t.match(output, /Administrator API key \(shown once/, 'the generated admin key is printed on first start');
  const key = /(lsk_[\w-]+)/.exec(output)?.[1];
  const list = await fetch(`http://127.0.0.1:${port}/api/v1/admin/employers`, { headers: { authorization: `Bearer ${key}` } });
  t.equal(list.status, 200, 'the printed key is the admin key');

  child.kill('SIGTERM');
  const code = await new Promise((resolve) => child.once('exit', resolve));
  t.equal(code, 0, `stops cleanly on SIGTERM, stopping the embedded servers: ${output.slice(-2000)}`);
});

t.test('bad configuration stops the start with a message per variable', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/main.ts')], {
    env: { PATH: process.env.PATH, PORT: 'x', MASTER_KEY: 'short' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  t.equal(code, 78);
  t.match(stderr, /invalid configuration/);
  t.match(stderr, /PORT: /);
  t.match(stderr, /MASTER_KEY: must be 32 bytes/);
});
