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

export async function createTestPlatform(t: Teardown, env: Record<string, string> = {}): Promise<TestPlatform> {
  const servers = await testServers();
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
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl.toString(),
    MINIO_ENDPOINT: servers.s3.endpoint,
    MINIO_ACCESS_KEY: servers.s3.accessKey,
    MINIO_SECRET_KEY: servers.s3.secretKey,
    MINIO_BUCKET: bucket,
    MASTER_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: adminToken,
    ...env,
  });
  const platform = await startPlatform(config);
  const app = await buildApp(platform, { logger: false });
  t.teardown(async () => {
    await app.close();
    await platform.close();
    const cleanup = new pg.Client({ connectionString: servers.pgServerUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${database} with (force)`);
    await cleanup.end();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { app, platform, adminToken, s3Dir: servers.s3Dir, bucket };
}

export function bearer(key: string) {
  return { authorization: `Bearer ${key}` };
}
