/**
 * A fresh LaborSign for one test file: its own database on the test PostgreSQL server, its
 * own bucket on the test S3 endpoint, its own keys. `npm test` provides the servers; a file run
 * alone (`npx tap test/x.test.ts`) starts a shared embedded PostgreSQL and S3 endpoint itself.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { loadConfig } from '../../src/config/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { startEmbeddedPostgres } from '../../src/infra/embedded-postgres.ts';
import { startEmbeddedS3 } from '../../src/infra/embedded-s3.ts';
import { startPlatform, type Platform } from '../../src/runtime.ts';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface TestPlatform {
  app: FastifyInstance;
  platform: Platform;
  adminToken: string;
  /** Directory of the embedded S3 endpoint's files, when it is embedded. */
  s3Dir?: string;
  bucket: string;
  /**
   * Stops this app and platform (as a killed or redeployed service would stop); idempotent, and
   * run by the teardown anyway. A platform started with `reuse` is stopped before its database
   * is dropped.
   */
  stop?: () => Promise<void>;
  /** What `createTestPlatform(t, env, { reuse })` needs to start again over the same state. */
  state?: { databaseUrl: string; dataDir: string; masterKey: string; stops: Array<() => Promise<void>> };
}

export interface TestPlatformOptions {
  /**
   * Start a new platform over the same database, bucket, data directory (CA keys), master key
   * and admin key as this one: a restart of the service. Stop the old one first (`stop()`).
   */
  reuse?: TestPlatform;
}

async function testServers() {
  if (process.env.TEST_PG_SERVER_URL && process.env.TEST_S3_ENDPOINT) {
    return {
      pgServerUrl: process.env.TEST_PG_SERVER_URL,
      s3: { endpoint: process.env.TEST_S3_ENDPOINT, accessKey: process.env.TEST_S3_ACCESS_KEY ?? '', secretKey: process.env.TEST_S3_SECRET_KEY ?? '' },
      s3Dir: process.env.TEST_S3_DIR,
    };
  }
  const base = path.join(tmpdir(), 'laborsign-standalone-tests');
  const pgServer = await startEmbeddedPostgres({ dir: path.join(base, 'postgres'), port: 55471 });
  const s3Dir = path.join(base, 's3');
  const s3 = await startEmbeddedS3({ dir: s3Dir, port: 55472 });
  return { pgServerUrl: pgServer.serverUrl, s3, s3Dir };
}

export async function createTestPlatform(t: Teardown, env: Record<string, string> = {}, options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const servers = await testServers();
  if (options.reuse) return restartTestPlatform(servers, env, options.reuse);
  const suffix = randomBytes(6).toString('hex');
  const database = `test_${suffix}`;
  const admin = new pg.Client({ connectionString: servers.pgServerUrl });
  await admin.connect();
  await admin.query(`create database ${database}`);
  await admin.end();
  const databaseUrl = new URL(servers.pgServerUrl);
  databaseUrl.pathname = `/${database}`;

  const adminToken = `test-admin-${randomBytes(16).toString('hex')}`;
  const bucket = `test-${suffix}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'laborsign-data-'));
  const masterKey = randomBytes(32).toString('base64');
  const { app, platform, stop } = await startTestService(servers, { dataDir, databaseUrl: databaseUrl.toString(), bucket, masterKey, adminToken }, env);
  const stops = [stop];
  t.teardown(async () => {
    for (const stopOne of [...stops].reverse()) await stopOne();
    const cleanup = new pg.Client({ connectionString: servers.pgServerUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${database} with (force)`);
    await cleanup.end();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { app, platform, adminToken, s3Dir: servers.s3Dir, bucket, stop, state: { databaseUrl: databaseUrl.toString(), dataDir, masterKey, stops } };
}

/** The service over one database, bucket, data directory and keys, with a stop that runs once. */
async function startTestService(
  servers: Awaited<ReturnType<typeof testServers>>,
  where: { dataDir: string; databaseUrl: string; bucket: string; masterKey: string; adminToken: string },
  env: Record<string, string>,
) {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: where.dataDir,
    // The pages' font subset depends only on the shipped files: built once for all tests (ignored folder).
    WEB_FONT_CACHE_DIR: path.resolve(import.meta.dirname, '../../.cache/web-fonts'),
    DATABASE_URL: where.databaseUrl,
    MINIO_ENDPOINT: servers.s3.endpoint,
    MINIO_ACCESS_KEY: servers.s3.accessKey,
    MINIO_SECRET_KEY: servers.s3.secretKey,
    MINIO_BUCKET: where.bucket,
    MASTER_KEY: where.masterKey,
    ADMIN_TOKEN: where.adminToken,
    ...env,
  });
  const platform = await startPlatform(config);
  const app = await buildApp(platform, { logger: false });
  const stop = once(async () => {
    await app.close();
    await platform.close();
  });
  return { app, platform, stop };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

/** A new platform over an earlier one's database, bucket, data directory and keys. */
async function restartTestPlatform(servers: Awaited<ReturnType<typeof testServers>>, env: Record<string, string>, previous: TestPlatform): Promise<TestPlatform> {
  const state = previous.state;
  if (!state) throw new Error('reuse needs a platform made by createTestPlatform');
  const { app, platform, stop } = await startTestService(servers, { ...state, bucket: previous.bucket, adminToken: previous.adminToken }, env);
  // The first platform's teardown stops every restart before it drops the database.
  state.stops.push(stop);
  return { app, platform, adminToken: previous.adminToken, s3Dir: servers.s3Dir, bucket: previous.bucket, stop, state };
}

export function bearer(key: string) {
  return { authorization: `Bearer ${key}` };
}
