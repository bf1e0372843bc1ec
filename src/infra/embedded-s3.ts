/**
 * An S3-protocol endpoint on loopback (s3rver) for the zero-configuration default. MinIO itself
 * is not distributed through npm; the application talks to this exactly as it talks to MinIO,
 * through the minio client. It supports neither versioning nor object lock, and says so: the
 * object-lock configuration answers NotImplemented, retention and legal-hold requests
 * MethodNotAllowed, so the archive reports `objectLock: false` (/readyz) and the application alone
 * keeps objects (never overwriting a key, never deleting a recorded one). A missing object answers
 * NoSuchKey (404), which the archive reports as a missing document, never as other bytes.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fstatSync, mkdirSync, openSync, readSync, statSync, writevSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import S3rver from 's3rver';
import S3Bucket from 's3rver/lib/models/bucket.js';
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
 * Marks an object file that starts with its own metadata (format below). No object LaborSign
 * stores (PDF, JSON, ZIP) starts with a NUL byte, so a file without it is in s3rver's own layout.
 */
const headerMagic = Buffer.from('\0LSOBJ1\n', 'latin1');

/** What the header of an object file says, and where the object's bytes start. */
interface ObjectFile {
  metadata: Record<string, string>;
  md5: string;
  offset: number;
  size: number;
  modified: Date;
}

/** Reads an object file's header; undefined for a file in s3rver's layout. Throws ENOENT for a missing object. */
function readObjectFile(file: string): ObjectFile | undefined {
  const fd = openSync(file, 'r');
  try {
    const { size, mtime } = fstatSync(fd);
    const fixed = headerMagic.length + 4;
    let head = Buffer.alloc(Math.min(size, 4096));
    readSync(fd, head, 0, head.length, 0);
    if (head.length < fixed || !head.subarray(0, headerMagic.length).equals(headerMagic)) return undefined;
    const offset = fixed + head.readUInt32BE(headerMagic.length);
    if (offset > size) throw new Error(`object file ${file} is truncated inside its header`);
    if (offset > head.length) readSync(fd, (head = Buffer.alloc(offset)), 0, offset, 0);
    const { metadata, md5 } = JSON.parse(head.subarray(fixed, offset).toString('utf8')) as { metadata: Record<string, string>; md5: string };
    return { metadata, md5, offset, size: size - offset, modified: mtime };
  } finally {
    closeSync(fd);
  }
}

/**
 * s3rver's file store with each object in one file, written synchronously. s3rver keeps three
 * files per object (bytes, checksum, metadata) and makes a dozen asynchronous file calls per PUT,
 * each a round trip through libuv's thread pool. Creating a file is the expensive part on the
 * ext4 volumes measured here (about 0.5 ms of kernel time each, against 0.1 ms to write 200 KB),
 * so an object file here starts with a header holding the metadata and the MD5, then the
 * bytes: one file created per object. Header: 8 bytes `headerMagic`, a 4-byte big-endian length,
 * that many bytes of JSON `{ metadata, md5 }`. Files in s3rver's own layout (written by earlier
 * versions) are still read, listed, copied and deleted through s3rver's code.
 */
export class SingleFileStore extends FilesystemStore {
  private readonly knownDirectories = new Set<string>();

  override async getBucket(bucket: string) {
    // Asked on every request: answered without a round trip through the thread pool.
    try {
      const stat = statSync(this.getBucketPath(bucket));
      return stat.isDirectory() ? new S3Bucket(bucket, stat.birthtime) : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  override async getSubresource(bucket: string, key: string | undefined, resourceType: string) {
    // Almost always absent (no CORS or website configuration): answered without the thread pool.
    return existsSync(this.getResourcePath(bucket, key, `${resourceType}.xml`)) ? super.getSubresource(bucket, key, resourceType) : null;
  }

  override async getMetadata(bucket: string, key: string) {
    const file = readObjectFile(this.getResourcePath(bucket, key, 'object'));
    return file ? metadataOf(file) : super.getMetadata(bucket, key);
  }

  override async getObject(bucket: string, key: string, options?: { start?: number; end?: number }) {
    const location = this.getResourcePath(bucket, key, 'object');
    let file: ObjectFile | undefined;
    try {
      file = readObjectFile(location);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    if (!file) return super.getObject(bucket, key, options);
    // Ranges as s3rver answers them, shifted past the header.
    const ranged = options !== undefined && (options.start !== undefined || Boolean(options.end));
    const lastByte = Math.max(0, file.size - 1);
    const range = { start: options?.start || 0, end: Math.min(options?.end || Infinity, lastByte) };
    let content: NodeJS.ReadableStream | null = null;
    if (range.start >= 0 && range.end >= range.start) {
      const stream = createReadStream(location, { start: file.offset + range.start, end: file.offset + range.end });
      content = await new Promise<NodeJS.ReadableStream>((resolve, reject) => stream.once('error', reject).once('open', () => resolve(stream)));
    }
    const object = new S3Object(bucket, key, content, metadataOf(file));
    if (ranged) object.range = range;
    return object;
  }

  override async putObject(object: StoredObject) {
    // The body's socket reads are hashed and written as they came: no copy of the object is made.
    const chunks: Buffer[] = [];
    const md5 = createHash('md5');
    let size = 0;
    const take = (chunk: Buffer) => {
      chunks.push(chunk);
      md5.update(chunk);
      size += chunk.length;
    };
    if (Buffer.isBuffer(object.content)) take(object.content);
    else for await (const chunk of object.content) take(chunk);
    const digest = md5.digest('hex');
    this.writeObject(object.bucket, object.key, chunks, object.metadata, digest);
    return { size, md5: digest };
  }

  override async copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, replacementMetadata?: Record<string, string>) {
    const source = (await this.getObject(srcBucket, srcKey)) as { content: NodeJS.ReadableStream; metadata: Record<string, string> } | null;
    if (!source) throw Object.assign(new Error(`no object ${srcKey}`), { code: 'ENOENT' });
    const chunks: Buffer[] = [];
    for await (const chunk of source.content) chunks.push(chunk as Buffer);
    const content = Buffer.concat(chunks);
    this.writeObject(destBucket, destKey, [content], replacementMetadata ?? source.metadata, createHash('md5').update(content).digest('hex'));
    return this.getMetadata(destBucket, destKey);
  }

  override async putMetadata(): Promise<void> {
    throw new Error('SingleFileStore keeps metadata in the object file: write the object instead');
  }

  private writeObject(bucket: string, key: string, content: Buffer[], metadata: Record<string, string>, md5: string) {
    const kept = Object.fromEntries(Object.entries(metadata).filter(([name]) => storedHeaders.has(name) || name.startsWith('x-amz-meta-')));
    const json = Buffer.from(JSON.stringify({ metadata: kept, md5 }));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(json.length);
    this.write(this.getResourcePath(bucket, key, 'object'), [headerMagic, length, json, ...content]);
  }

  /** Writes a file, creating its directory when it is not known to exist (s3rver removes emptied ones). */
  private write(file: string, parts: Buffer[]) {
    const directory = path.dirname(file);
    if (this.knownDirectories.has(directory)) {
      try {
        writeParts(file, parts);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    mkdirSync(directory, { recursive: true });
    writeParts(file, parts);
    if (this.knownDirectories.size >= 10_000) this.knownDirectories.clear();
    this.knownDirectories.add(directory);
  }
}

/** Writes `parts` one after another as the file's content (writev, continued after a short write). */
function writeParts(file: string, parts: Buffer[]) {
  const fd = openSync(file, 'w');
  try {
    const pending = parts.filter((part) => part.length > 0);
    while (pending.length) {
      let written = writevSync(fd, pending.slice(0, 1024)); // IOV_MAX
      while (pending.length && written >= pending[0]!.length) written -= pending.shift()!.length;
      if (written > 0) pending[0] = pending[0]!.subarray(written);
    }
  } finally {
    closeSync(fd);
  }
}

/** The metadata s3rver answers with: what was stored, plus ETag, Last-Modified and Content-Length. */
function metadataOf(file: ObjectFile): Record<string, string | number> {
  return { ...file.metadata, etag: JSON.stringify(file.md5), 'last-modified': file.modified.toUTCString(), 'content-length': file.size };
}

export async function startEmbeddedS3(opts: { dir: string; port: number }): Promise<EmbeddedS3Handle> {
  const endpoint = `http://127.0.0.1:${opts.port}`;
  // Another LaborSign process on this machine already serves the same directory.
  if (opts.port !== 0 && (await portInUse(opts.port))) return { endpoint, accessKey, secretKey, stop: async () => undefined };
  await mkdir(opts.dir, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port: opts.port, directory: opts.dir, silent: true, resetOnClose: false });
  server.store = server.context.store = new SingleFileStore(opts.dir);
  // Silent, s3rver still formats a coloured log line for every request (koa-logger): not kept.
  server.middleware = server.middleware.filter((middleware) => middleware.name !== 'logger');
  const { port } = (await server.run()) as { port: number };
  return { endpoint: `http://127.0.0.1:${port}`, accessKey, secretKey, stop: () => server.close() };
}
