/**
 * What the embedded S3 endpoint costs per stored contract (the development stand-in for MinIO
 * that `npm start` runs): the endpoint runs in its own process, the minio client stores sealed-
 * contract-sized objects over 8 connections, and the endpoint's CPU time is read from /proc.
 * In a batch this is most of the service process's CPU.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as Minio from 'minio';
import { cpuSecondsOf } from './batch.ts';

export const title = 'Storing contracts in the embedded S3 endpoint';

const root = path.resolve(import.meta.dirname, '../..');
const objects = 2000;
const objectSize = 200_000;

const endpointSource = (dir: string, port: number) =>
  `import { startEmbeddedS3 } from ${JSON.stringify(path.join(root, 'src/infra/embedded-s3.ts'))};
   await startEmbeddedS3({ dir: ${JSON.stringify(dir)}, port: ${port} }); console.log('ready');`;

async function measure(source: string, port: number): Promise<{ cpuMs: number; wallMs: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`endpoint exited with ${code}`)));
    });
    const client = new Minio.Client({ endPoint: '127.0.0.1', port, useSSL: false, accessKey: 'S3RVER', secretKey: 'S3RVER' });
    const bucket = 'bench-archive';
    if (!(await client.bucketExists(bucket))) await client.makeBucket(bucket);
    const body = randomBytes(objectSize);
    let next = 0;
    const cpuBefore = cpuSecondsOf(child.pid!);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < objects) {
          const key = `sealed/${randomBytes(1).toString('hex')}/${randomBytes(16).toString('hex')}.pdf`;
          next++;
          await client.putObject(bucket, key, body, body.length, { 'Content-Type': 'application/pdf' });
        }
      }),
    );
    return { cpuMs: ((cpuSecondsOf(child.pid!) - cpuBefore) * 1000) / objects, wallMs: (performance.now() - started) / objects };
  } finally {
    child.kill('SIGTERM');
  }
}

export async function run(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'laborsign-bench-s3-'));
  const port = 55610;
  const { cpuMs, wallMs } = await measure(endpointSource(dir, port), port).finally(() => rm(dir, { recursive: true, force: true }));
  return [
    `${objects} objects of ${objectSize / 1000} KB (the size of a sealed 通用 contract) stored with the minio client over 8 connections; the endpoint in its own process.`,
    '',
    '| endpoint | endpoint CPU per object | wall time per object |',
    '|---|---|---|',
    `| s3rver 3.7 (src/infra/embedded-s3.ts) | ${cpuMs.toFixed(2)} ms | ${wallMs.toFixed(2)} ms |`,
    '',
    'Production uses MinIO, a compiled server; this endpoint is the zero-configuration default and what the batch benchmark above runs against.',
  ].join('\n');
}
