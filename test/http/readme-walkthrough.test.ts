/**
 * The README walkthrough runs as written: its `curl` lines (from "Two commands" to
 * "Configuration"), in order, against `npm start` on a new data directory, each answer 2xx.
 * The lines are read into fetch calls (no curl needed): `-X`, `-H`, `-d` (text or `@file`),
 * `-o`, variables as the shell expands them (`$VAR` outside single quotes), and the README's
 * convention `NAME=$(curl … | jq -r .field)` keeping a field of the answer for later lines.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
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

/** The shell commands of the walkthrough: `sh` blocks of the section, continuation lines joined. */
function walkthroughCommands(readme: string): string[] {
  const section = readme.slice(readme.indexOf('## Two commands'), readme.indexOf('## Configuration'));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^(\w+=\$\()?curl /.test(line)),
  );
}

/** Shell words of a command line: quotes removed, `$VAR` expanded outside single quotes, `# …` comments dropped. */
function shellWords(line: string, vars: Record<string, string>): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const expand = (text: string) =>
    text.replace(/\$\{?(\w+)\}?/g, (_all, name: string) => {
      if (!(name in vars)) throw new Error(`$${name} is not set before: ${line}`);
      return vars[name]!;
    });
  const pattern = /'([^']*)'|"([^"]*)"|(\s+)|(#.*$)|([^'"\s#]+)/gy;
  for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
    const [, single, double, space, comment, bare] = match;
    if (comment !== undefined) break;
    if (space !== undefined) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + (single ?? expand(double ?? bare ?? ''));
  }
  if (word !== undefined) words.push(word);
  return words;
}

interface Call {
  keep?: { name: string; field: string };
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

async function callOf(line: string, vars: Record<string, string>, root: string): Promise<Call> {
  const kept = /^(\w+)=\$\((.*)\|\s*jq -r \.(\w+)\)(.*)$/.exec(line);
  const words = shellWords(kept ? `${kept[2]} ${kept[4]}` : line, vars);
  if (words.shift() !== 'curl') throw new Error(`not a curl line: ${line}`);
  const call: Call = { method: 'GET', url: '', headers: {}, ...(kept ? { keep: { name: kept[1]!, field: kept[3]! } } : {}) };
  while (words.length) {
    const word = words.shift()!;
    if (word === '-s') continue;
    else if (word === '-X') call.method = words.shift()!;
    else if (word === '-o') words.shift();
    else if (word === '-H') {
      const header = words.shift()!;
      const colon = header.indexOf(':');
      call.headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    } else if (word === '-d') {
      const data = words.shift()!;
      call.body = data.startsWith('@') ? await readFile(path.join(root, data.slice(1)), 'utf8') : data;
      if (call.method === 'GET') call.method = 'POST';
    } else if (/^https?:\/\//.test(word)) call.url = word;
    else throw new Error(`curl option the walkthrough test does not read: ${word} (in ${line})`);
  }
  return call;
}

t.test('the README walkthrough, top to bottom, on a fresh data directory', async (t) => {
  const root = path.resolve('.');
  const commands = walkthroughCommands(await readFile(path.join(root, 'README.md'), 'utf8'));
  t.ok(commands.length >= 12, `${commands.length} curl lines in the walkthrough`);
  for (const route of ['/api/v1/admin/officials', '/api/v1/seal-authorisations', '/api/v1/dev/outbox', '/contracts/validate', '/seal', '/send'])
    t.ok(
      commands.some((command) => command.includes(route)),
      `the walkthrough shows ${route}`,
    );
  t.notOk(
    commands.some((command) => command.replace(/\s#.*$/, '').includes('…')),
    'no elided command',
  );

  const dataDir = await mkdtemp(path.join(tmpdir(), 'laborsign-readme-'));
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
  for (let attempt = 0; attempt < 480 && !ready?.ok && child.exitCode === null; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
  }
  t.equal(ready?.status, 200, ready?.ok ? 'the service is ready' : output);
  const adminKey = /(lsk_[\w-]+)/.exec(output)?.[1];
  t.ok(adminKey, 'the admin key is printed on first start');

  const vars: Record<string, string> = { ADMIN_KEY: adminKey ?? '' };
  for (const command of commands) {
    const call = await callOf(command, vars, root);
    const url = call.url.replace('http://127.0.0.1:3000', `http://127.0.0.1:${port}`);
    const response = await fetch(url, { method: call.method, headers: call.headers, ...(call.body === undefined ? {} : { body: call.body }) });
    const body = await response.text();
    t.ok(response.ok, `${call.method} ${call.url}: ${response.status} ${response.ok ? '' : body.slice(0, 500)}`);
    if (!response.ok) break;
    if (call.keep) {
      const value = (JSON.parse(body) as Record<string, unknown>)[call.keep.field];
      t.type(value, 'string', `${call.keep.name} = .${call.keep.field}`);
      vars[call.keep.name] = String(value);
    }
  }
});
