/**
 * The README's first command: `npm start` with no configuration brings the service up on
 * embedded PostgreSQL and S3 and /readyz answers 200. Runs the real entry point in a child process.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { TemplateCatalog } from '../../src/templates/catalog.ts';
import { employerBody } from '../helpers/fixtures.ts';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

t.test('npm start on embedded defaults becomes ready', async (t) => {
  // An SMS provider, so the started service's background delivery can be seen at work.
  const texts: { to: string; text: string }[] = [];
  const provider = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    texts.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    res.writeHead(200).end();
  }).listen(0, '127.0.0.1');
  await once(provider, 'listening');
  t.teardown(() => new Promise((resolve) => provider.close(resolve)));
  const dataDir = await mkdtemp(path.join(tmpdir(), 'laborsign-start-'));
  await chmod(dataDir, 0o755);
  const [port, pgPort, s3Port] = [await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    PORT: String(port),
    EMBEDDED_PG_PORT: String(pgPort),
    EMBEDDED_S3_PORT: String(s3Port),
    LOG_LEVEL: 'warn',
    SMS_GATEWAY_URL: `http://127.0.0.1:${(provider.address() as net.AddressInfo).port}/sms`,
  };
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
  for (let attempt = 0; attempt < 240 && !ready?.ok && child.exitCode === null; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
  }
  t.equal(ready?.status, 200, output);
  t.match(await ready?.json(), { status: 'ready', embedded: { postgres: true, s3: true } });
  t.match(output, /Administrator API key \(shown once/, 'the generated admin key is printed on first start');
  const key = /(lsk_[\w-]+)/.exec(output)?.[1];
  const list = await fetch(`http://127.0.0.1:${port}/api/v1/admin/employers`, { headers: { authorization: `Bearer ${key}` } });
  t.equal(list.status, 200, 'the printed key is the admin key');

  // A contract sent to a worker: the signing link reaches the SMS provider without anyone asking.
  const base = `http://127.0.0.1:${port}/api/v1`;
  const json = { 'content-type': 'application/json' };
  const employer = await (await fetch(`${base}/admin/employers`, { method: 'POST', headers: { ...json, authorization: `Bearer ${key}` }, body: JSON.stringify(employerBody(7)) })).json();
  const auth = { ...json, authorization: `Bearer ${employer.apiKey}` };
  const example = (await TemplateCatalog.load()).get('labor-contract-general')!.example as { worker: { phone: string } };
  const contract = await (await fetch(`${base}/contracts`, { method: 'POST', headers: auth, body: JSON.stringify({ templateId: 'labor-contract-general', fields: example }) })).json();
  t.equal((await fetch(`${base}/contracts/${contract.id}/seal`, { method: 'POST', headers: { authorization: auth.authorization } })).status, 200, JSON.stringify(contract));
  t.equal((await fetch(`${base}/contracts/${contract.id}/send`, { method: 'POST', headers: { authorization: auth.authorization } })).status, 200);
  for (let i = 0; i < 50 && !texts.length; i++) await new Promise((resolve) => setTimeout(resolve, 200));
  t.match(texts, [{ to: example.worker.phone, text: /\/s\// }], 'the service delivered the signing link through SMS_GATEWAY_URL');
  const devOutbox = await fetch(`${base}/dev/outbox`);
  t.not(devOutbox.status, 200, 'no development outbox while a real gateway is configured');
  t.equal(devOutbox.headers.get('content-type'), 'application/problem+json; charset=utf-8');

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

t.test('after the service is killed with SIGKILL, the next start stops the orphaned embedded PostgreSQL and starts its own', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'laborsign-restart-'));
  await chmod(dataDir, 0o755);
  const [port, pgPort, s3Port] = [await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    PORT: String(port),
    EMBEDDED_PG_PORT: String(pgPort),
    EMBEDDED_S3_PORT: String(s3Port),
    LOG_LEVEL: 'warn',
  };
  const children: ReturnType<typeof spawn>[] = [];
  const postmaster = async () => Number((await readFile(path.join(dataDir, 'postgres', 'data', 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]) || undefined;
  const alive = (pid: number | undefined) => {
    if (!pid) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  t.teardown(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : undefined)));
    // Whatever happened above, no server of this test outlives it.
    const left = await postmaster();
    if (alive(left)) process.kill(left!, 'SIGINT');
    await rm(dataDir, { recursive: true, force: true });
  });
  async function start() {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/main.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    let ready: Response | undefined;
    for (let attempt = 0; attempt < 240 && !ready?.ok && child.exitCode === null; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    }
    t.equal(ready?.status, 200, `ready: ${output.slice(-2000)}`);
    return { child, output: () => output };
  }

  const first = await start();
  const orphan = await postmaster();
  first.child.kill('SIGKILL');
  await once(first.child, 'exit');
  t.ok(alive(orphan), 'the killed service left its PostgreSQL running');

  const second = await start();
  const own = await postmaster();
  t.notOk(alive(orphan), 'the orphaned PostgreSQL was stopped');
  t.ok(alive(own) && own !== orphan, 'the new service runs its own');
  const health = await fetch(`http://127.0.0.1:${port}/readyz`);
  t.equal(health.status, 200);
  second.child.kill('SIGTERM');
  t.equal((await once(second.child, 'exit'))[0], 0, `stops cleanly: ${second.output().slice(-1000)}`);
  t.notOk(alive(own), 'and stops it on SIGTERM');
});

t.test('a busy port is one line and exit 1, and the admin key is minted by the start that listens', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'laborsign-busy-'));
  await chmod(dataDir, 0o755);
  const [port, pgPort, s3Port] = [await freePort(), await freePort(), await freePort()];
  const blocker = net.createServer().listen(port, '127.0.0.1');
  await once(blocker, 'listening');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    PORT: String(port),
    EMBEDDED_PG_PORT: String(pgPort),
    EMBEDDED_S3_PORT: String(s3Port),
    LOG_LEVEL: 'warn',
  };
  const children: ReturnType<typeof spawn>[] = [];
  t.teardown(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : undefined)));
    if (blocker.listening) await new Promise((resolve) => blocker.close(resolve));
    await rm(dataDir, { recursive: true, force: true });
  });
  const run = () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/main.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const output = { text: '' };
    child.stdout!.on('data', (d) => (output.text += d));
    child.stderr!.on('data', (d) => (output.text += d));
    return { child, output };
  };

  const busy = run();
  const [code] = await once(busy.child, 'exit');
  t.equal(code, 1, busy.output.text);
  t.match(busy.output.text, new RegExp(`LaborSign could not start: port ${port} on 127\\.0\\.0\\.1 is already in use \\(EADDRINUSE\\)`));
  t.notMatch(busy.output.text, /\n\s+at /, 'no stack trace');
  t.notMatch(busy.output.text, /Administrator API key/, 'no key is printed by a start that never listened');

  await new Promise((resolve) => blocker.close(resolve));
  const second = run();
  let ready: Response | undefined;
  for (let attempt = 0; attempt < 240 && !ready?.ok && second.child.exitCode === null; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
  }
  t.equal(ready?.status, 200, second.output.text.slice(-2000));
  for (let i = 0; i < 40 && !/lsk_/.test(second.output.text); i++) await new Promise((resolve) => setTimeout(resolve, 250));
  const key = /(lsk_[\w-]+)/.exec(second.output.text)?.[1];
  t.ok(key, 'the start that listens prints the admin key (the failed start minted none)');
  const list = await fetch(`http://127.0.0.1:${port}/api/v1/admin/employers`, { headers: { authorization: `Bearer ${key}` } });
  t.equal(list.status, 200, 'and it is the admin key');
  second.child.kill('SIGTERM');
  t.equal((await once(second.child, 'exit'))[0], 0);
});

t.test('an unreachable database is one line and exit 1', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'laborsign-nodb-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const [port, dbPort, s3Port] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/main.ts')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_S3_PORT: String(s3Port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: `postgres://laborsign:x@127.0.0.1:${dbPort}/laborsign`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const [code] = await once(child, 'exit');
  t.equal(code, 1, output);
  t.match(output, new RegExp(`LaborSign could not start: .*database.*127\\.0\\.0\\.1:${dbPort}`, 'i'));
  t.equal(output.trim().split('\n').length, 1, 'one line');
  t.notMatch(output, /\n\s+at /, 'no stack trace');
});
