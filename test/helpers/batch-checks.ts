/** What the batch crash, fencing and chaos tests share: seeded workers and the bucket's keys. */
import { Client as MinioClient } from 'minio';
import type { Config } from '../../src/config/config.ts';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';

/** A distinct, valid worker for each n (ID number with its check character, phone). */
export function workerFor(n: number) {
  const birth = new Date(Date.UTC(1980, 0, 1) + n * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `140105${birth}123`;
  return { name: `职工${n}`, idNumber: first17 + residentIdCheckCharacter(first17), address: '山西省太原市小店区', phone: `137${String(n).padStart(8, '0')}` };
}

/** Every key in the bucket, read from the store itself (not through the archive). */
export async function bucketKeys(config: Config, bucket = config.MINIO_BUCKET): Promise<string[]> {
  const url = new URL(config.MINIO_ENDPOINT!);
  const minio = new MinioClient({ endPoint: url.hostname, port: Number(url.port), useSSL: url.protocol === 'https:', accessKey: config.MINIO_ACCESS_KEY!, secretKey: config.MINIO_SECRET_KEY! });
  const keys: string[] = [];
  for await (const item of minio.listObjectsV2(bucket, '', true)) if (item.name) keys.push(item.name);
  return keys;
}
