/**
 * Tests against a real S3 engine (Ceph RGW in CI's second run, or any MinIO/RGW at
 * MINIO_ENDPOINT): whether one is there, a plain S3 client on it, and changing an archived
 * object behind the service (as a storage administrator could) on either store.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as Minio from 'minio';
import type { Platform } from '../../src/runtime.ts';
import { run } from './tools.ts';

/** Set by .ci/run for the pass on Ceph RGW: tests needing the engine must run there, never skip. */
export const rgwRequired = process.env.LABORSIGN_REQUIRE_RGW === '1';

/**
 * Options for a tap subtest that needs object lock: skipped with a message on a store without
 * it (the embedded endpoint), run (and so failing) where CI requires the engine.
 */
export function needsObjectLock(platform: Platform): { skip?: string } {
  if (platform.archive.objectLock || rgwRequired) return {};
  return { skip: 'needs an S3 engine with object lock: start Ceph RGW (../shared/tools/ceph-rgw/start-rgw.sh) and set MINIO_ENDPOINT (README, "Tests against a real store")' };
}

/** A plain S3 client with the platform's credentials: what another program (or an attacker with the keys) sends. */
export function rawClient(platform: Platform): Minio.Client {
  const url = new URL(platform.config.MINIO_ENDPOINT!);
  return new Minio.Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: url.protocol === 'https:',
    accessKey: platform.config.MINIO_ACCESS_KEY!,
    secretKey: platform.config.MINIO_SECRET_KEY!,
    region: platform.config.MINIO_REGION,
  });
}

/** The Ceph cluster CI started (its directory holds ceph.conf), for changes below the S3 API. */
const rgwDir = process.env.LABORSIGN_TEST_RGW_DIR;

/** Whether `tamper` can reach below the S3 API of this store. */
export function canTamper(where: { s3Dir?: string | undefined; platform: Platform }): { skip?: string } {
  if (where.s3Dir) return {};
  if (where.platform.archive.objectLock && rgwDir) return {};
  if (rgwRequired) return {};
  return { skip: 'needs the embedded S3 endpoint, or Ceph RGW with LABORSIGN_TEST_RGW_DIR naming its directory' };
}

/**
 * Changes an archived object behind the service: `alter` flips one byte of its content,
 * `remove` deletes it. On the embedded endpoint, its file; on Ceph, the RADOS object of that
 * version (object lock guards the S3 API, not an administrator of the cluster below it).
 */
export async function tamper(
  where: { s3Dir?: string | undefined; bucket: string; platform: Platform },
  ref: { objectKey: string; sha256: string; versionId?: string | null },
  how: 'alter' | 'remove',
): Promise<void> {
  if (where.s3Dir) {
    const dir = path.join(where.s3Dir, where.bucket);
    let file: string | undefined;
    for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && entry.name.startsWith(ref.sha256) && entry.name.endsWith('._S3rver_object')) file = path.join(entry.parentPath, entry.name);
    }
    if (!file) throw new Error(`no file for ${ref.objectKey}`);
    if (how === 'remove') return rm(file);
    const bytes = await readFile(file);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0x01;
    return writeFile(file, bytes);
  }
  if (!rgwDir) throw new Error('tampering with a real store needs LABORSIGN_TEST_RGW_DIR');
  const conf = path.join(rgwDir, 'ceph.conf');
  const stats = run('radosgw-admin', ['-c', conf, 'bucket', 'stats', `--bucket=${where.bucket}`]);
  if (stats.status !== 0) throw new Error(stats.stderr);
  const marker = (JSON.parse(stats.stdout) as { marker: string }).marker;
  const oid = ref.versionId ? `${marker}__:${ref.versionId}_${ref.objectKey}` : `${marker}_${ref.objectKey}`;
  const rados = (...args: string[]) => {
    const res = run('rados', ['-c', conf, '-p', 'default.rgw.buckets.data', ...args]);
    if (res.status !== 0) throw new Error(`rados ${args.join(' ')}: ${res.stderr}`);
    return res;
  };
  if (how === 'remove') {
    rados('rm', oid);
    return;
  }
  const copy = path.join(rgwDir, `tamper-${process.pid}-${Date.now()}`);
  rados('get', oid, copy);
  const bytes = await readFile(copy);
  bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0x01;
  await writeFile(copy, bytes);
  rados('put', oid, copy);
  await rm(copy);
}
