/**
 * A throw-away Ceph RADOS Gateway for benchmarks and local runs against a real S3 engine, started
 * with the shared scripts (`../shared/tools/ceph-rgw/`, README there; needs root and the Debian
 * packages ceph-mon ceph-osd radosgw ceph-common). Its data lives in memory and is gone on stop.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

function toolsDir(): string {
  const candidates = [process.env.LABORSIGN_RGW_TOOLS, path.resolve(root, '../shared/tools/ceph-rgw'), path.resolve(root, '../../shared/tools/ceph-rgw')];
  const found = candidates.find((dir) => dir && existsSync(path.join(dir, 'start-rgw.sh')));
  if (!found) throw new Error('start-rgw.sh not found: set LABORSIGN_RGW_TOOLS to the ceph-rgw tools directory');
  return found;
}

export interface RgwHandle {
  dir: string;
  /** The production variables that point LaborSign at this gateway. */
  env: { MINIO_ENDPOINT: string; MINIO_ACCESS_KEY: string; MINIO_SECRET_KEY: string };
  stop(): Promise<void>;
}

/** Starts a gateway on `port` (its monitor on port + 1). */
export async function startRgw(port: number): Promise<RgwHandle> {
  const tools = toolsDir();
  const dir = await mkdtemp(path.join(tmpdir(), 'laborsign-rgw-'));
  execFileSync('bash', [path.join(tools, 'start-rgw.sh'), dir, String(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const vars = Object.fromEntries(
    readFileSync(path.join(dir, 'env'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
  return {
    dir,
    env: { MINIO_ENDPOINT: vars.S3_ENDPOINT!, MINIO_ACCESS_KEY: vars.S3_ACCESS_KEY!, MINIO_SECRET_KEY: vars.S3_SECRET_KEY! },
    stop: async () => {
      execFileSync('bash', [path.join(tools, 'stop-rgw.sh'), dir], { stdio: 'ignore' });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
