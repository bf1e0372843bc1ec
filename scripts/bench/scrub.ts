/**
 * The archive scrub (src/services/archive-scrub.ts): how many archived objects a run reads back
 * by their recorded version and re-hashes per second, on the embedded endpoint or (`--store
 * rgw`) a Ceph RADOS Gateway. Objects are the size of a sealed contract; the platform runs in
 * this process with an embedded PostgreSQL, as `npm start` does.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import { startPlatform } from '../../src/runtime.ts';
import { scrubSampleSize } from '../../src/services/archive-scrub.ts';
import { startRgw, type RgwHandle } from '../rgw.ts';

export const title = 'Archive scrub: objects re-hashed per second';
export const usesStore = true;

const objects = Number(process.env.BENCH_SCRUB_OBJECTS ?? 1000);
const objectSize = 200_000;

export async function run(): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'laborsign-bench-scrub-'));
  await chmod(dataDir, 0o755);
  let rgw: RgwHandle | undefined;
  try {
    if (process.env.BENCH_STORE === 'rgw') rgw = await startRgw(55503);
    const config = loadConfig({
      NODE_ENV: 'development',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: '55501',
      EMBEDDED_S3_PORT: '55502',
      MASTER_KEY: randomBytes(32).toString('base64'),
      ADMIN_TOKEN: `bench-${randomBytes(12).toString('hex')}`,
      ...(rgw?.env ?? {}),
    });
    const platform = await startPlatform(config);
    try {
      const stored = [];
      for (let i = 0; i < objects; i++) stored.push(await platform.archive.put(randomBytes(objectSize), { contentType: 'application/pdf', fresh: true }));
      await platform.db.document.createMany({
        data: stored.map((s) => ({ kind: 'sealed' as const, objectKey: s.key, versionId: s.versionId, sha256: s.sha256, size: s.size, contentType: 'application/pdf' })),
      });
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await platform.archiveScrub.run({ limit: objects }));
      const rates = runs.map((r) => r.checked / r.seconds);
      const best = Math.max(...rates);
      const perHour = scrubSampleSize(1_000_000, 30, 60);
      return [
        `| store | objects | object size | runs (objects/s) | MiB/s (best) | findings |`,
        `|---|---|---|---|---|---|`,
        `| ${rgw ? 'Ceph RGW (single node, in-memory OSD; object lock, versioning)' : 'embedded S3 endpoint'} | ${objects} | ${objectSize / 1000} KB | ${rates.map((r) => r.toFixed(0)).join(' / ')} | ${((best * objectSize) / 2 ** 20).toFixed(0)} | ${runs.reduce((n, r) => n + r.findings.length, 0)} |`,
        '',
        `Each run reads every object by its recorded version (4 at a time) and re-hashes it (SHA-256), then records checkedAt for all. ` +
          `With the default period (ARCHIVE_SCRUB_PERIOD_DAYS=30) and hourly runs, an archive of 1,000,000 documents needs ${perHour} objects an hour, ` +
          `about ${(perHour / best).toFixed(0)} s of scrubbing an hour at the best rate measured here.`,
      ].join('\n');
    } finally {
      await platform.close();
    }
  } finally {
    await rgw?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
