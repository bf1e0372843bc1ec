/** What the batch crash, fencing and chaos tests share: seeded workers, the bucket's keys, worker processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client as MinioClient } from 'minio';
import { launchOf } from '../../scripts/launch.ts';
import type { Config } from '../../src/config/config.ts';
import type { Db } from '../../src/db/client.ts';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';

/** A distinct, valid worker for each n (ID number with its check character, phone). */
export function workerFor(n: number) {
  const birth = new Date(Date.UTC(1980, 0, 1) + n * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `140105${birth}123`;
  return { name: `职工${n}`, idNumber: first17 + residentIdCheckCharacter(first17), address: '山西省太原市小店区', phone: `137${String(n).padStart(8, '0')}` };
}

/** Every object key the database records: documents, and audit checkpoints with their timestamp tokens. */
export async function recordedKeys(db: Db): Promise<Set<string>> {
  const documents = await db.document.findMany({ select: { objectKey: true } });
  const checkpoints = await db.auditCheckpoint.findMany({ select: { objectKey: true, tokenKey: true } });
  return new Set([...documents.map((d) => d.objectKey), ...checkpoints.flatMap((c) => [c.objectKey, c.tokenKey])]);
}

/** Every key in the bucket, read from the store itself (not through the archive). */
export async function bucketKeys(config: Config, bucket = config.MINIO_BUCKET): Promise<string[]> {
  const url = new URL(config.MINIO_ENDPOINT!);
  const minio = new MinioClient({ endPoint: url.hostname, port: Number(url.port), useSSL: url.protocol === 'https:', accessKey: config.MINIO_ACCESS_KEY!, secretKey: config.MINIO_SECRET_KEY! });
  const keys: string[] = [];
  for await (const item of minio.listObjectsV2(bucket, '', true)) if (item.name) keys.push(item.name);
  return keys;
}

/** Whether the store holds `key` (at `versionId`, where the bucket keeps versions). */
export async function isStored(config: Config, key: string, versionId?: string | null, bucket = config.MINIO_BUCKET): Promise<boolean> {
  const url = new URL(config.MINIO_ENDPOINT!);
  const minio = new MinioClient({ endPoint: url.hostname, port: Number(url.port), useSSL: url.protocol === 'https:', accessKey: config.MINIO_ACCESS_KEY!, secretKey: config.MINIO_SECRET_KEY! });
  return minio.statObject(bucket, key, versionId ? { versionId } : {}).then(
    () => true,
    () => false,
  );
}

/**
 * Starts `npm run worker` as package.json does (scripts/launch.ts) against a test platform's
 * database and bucket; resolves once it works on the queue.
 */
export function startWorkerProcess(config: Config, adminToken: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const launch = launchOf('worker');
  const child = spawn(process.execPath, [...launch.nodeOptions, '--import', 'tsx', path.resolve(import.meta.dirname, '../../src/worker.ts')], {
    env: {
      ...process.env,
      ...launch.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: config.DATA_DIR,
      DATABASE_URL: config.DATABASE_URL!,
      MINIO_ENDPOINT: config.MINIO_ENDPOINT!,
      MINIO_ACCESS_KEY: config.MINIO_ACCESS_KEY!,
      MINIO_SECRET_KEY: config.MINIO_SECRET_KEY!,
      MINIO_BUCKET: config.MINIO_BUCKET,
      MASTER_KEY: Buffer.from(config.MASTER_KEY!).toString('base64'),
      ADMIN_TOKEN: adminToken,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('working on the batch queue') && resolve(child));
    child.once('exit', (code, signal) => reject(new Error(`worker exited with ${code ?? signal}: ${stderr}`)));
  });
}

/** A small seeded generator (mulberry32): the same seed, the same kill points. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
