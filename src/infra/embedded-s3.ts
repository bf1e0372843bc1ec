/**
 * An S3-protocol endpoint on loopback (s3rver) for the zero-configuration default. MinIO itself
 * is not distributed through npm; the application talks to this exactly as it talks to MinIO,
 * through the minio client. It supports neither versioning nor object lock, which /readyz reports.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import S3rver from 's3rver';
import S3Object from 's3rver/lib/models/object.js';
import FilesystemStore, { type StoredObject } from 's3rver/lib/stores/filesystem.js';

/** The headers s3rver keeps with an object (besides x-amz-meta-*). */
const storedHeaders = new Set(S3Object.ALLOWED_METADATA);

export interface EmbeddedS3Handle {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
}

// s3rver's fixed development credentials.
const accessKey = 'S3RVER';
const secretKey = 'S3RVER';

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * s3rver's file store with the write path made synchronous. Its own store makes a dozen
 * asynchronous file calls per PUT (bucket stat, CORS lookup, mkdirp, object, checksum and
 * metadata files), each a round trip through libuv's thread pool; on two cores those hand-offs
 * cost more than the writes. An object of a few hundred kilobytes is written in well under a
 * millisecond, so blocking the endpoint's event loop for it is the cheaper choice here. Reads,
 * listings and deletions stay s3rver's own. The files are laid out exactly as s3rver lays them out.
 */
export class SyncWriteStore extends FilesystemStore {
  private readonly knownDirectories = new Set<string>();

  override async getBucket(bucket: string) {
    // A missing bucket is answered without the thread pool; an existing one as s3rver does.
    return existsSync(this.getBucketPath(bucket)) ? super.getBucket(bucket) : null;
  }

  override async getSubresource(bucket: string, key: string | undefined, resourceType: string) {
    // Almost always absent (no CORS or website configuration): answered without the thread pool.
    return existsSync(this.getResourcePath(bucket, key, `${resourceType}.xml`)) ? super.getSubresource(bucket, key, resourceType) : null;
  }

  override async putObject(object: StoredObject) {
    const chunks: Buffer[] = [];
    if (Buffer.isBuffer(object.content)) chunks.push(object.content);
    else for await (const chunk of object.content) chunks.push(chunk);
    const content = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    this.write(this.getResourcePath(object.bucket, object.key, 'object'), content);
    const md5 = createHash('md5').update(content).digest('hex');
    await this.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size: content.length, md5 };
  }

  override async putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string) {
    const kept = Object.fromEntries(Object.entries(metadata).filter(([name]) => storedHeaders.has(name) || name.startsWith('x-amz-meta-')));
    if (md5) this.write(this.getResourcePath(bucket, key, 'object.md5'), md5);
    this.write(this.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(kept, null, 2));
  }

  /** Writes a file, creating its directory when it is not known to exist (s3rver removes emptied ones). */
  private write(file: string, content: Buffer | string) {
    const directory = path.dirname(file);
    if (this.knownDirectories.has(directory)) {
      try {
        writeFileSync(file, content);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    mkdirSync(directory, { recursive: true });
    writeFileSync(file, content);
    if (this.knownDirectories.size >= 10_000) this.knownDirectories.clear();
    this.knownDirectories.add(directory);
  }
}

export async function startEmbeddedS3(opts: { dir: string; port: number }): Promise<EmbeddedS3Handle> {
  const endpoint = `http://127.0.0.1:${opts.port}`;
  // Another LaborSign process on this machine already serves the same directory.
  if (opts.port !== 0 && (await portInUse(opts.port))) return { endpoint, accessKey, secretKey, stop: async () => undefined };
  await mkdir(opts.dir, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port: opts.port, directory: opts.dir, silent: true, resetOnClose: false });
  server.store = server.context.store = new SyncWriteStore(opts.dir);
  const { port } = (await server.run()) as { port: number };
  return { endpoint: `http://127.0.0.1:${port}`, accessKey, secretKey, stop: () => server.close() };
}
