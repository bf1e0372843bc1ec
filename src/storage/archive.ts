/**
 * The document archive over the S3 protocol (MinIO in production). Objects are content
 * addressed (the key is their SHA-256), never overwritten and never deleted by the
 * application; every read is checked against the digest the database recorded. Where the
 * server supports object lock, the bucket's default retention (COMPLIANCE mode) locks every
 * object from the moment it exists, and a known retention date (Art. 50) extends the lock.
 */
import { createHash } from 'node:crypto';
import { finished } from 'node:stream/promises';
import * as Minio from 'minio';

export interface ArchivedObject {
  key: string;
  sha256: string;
  size: number;
}

/** Stored bytes do not match the digest recorded for them: never serve them. */
export class IntegrityError extends Error {
  constructor(readonly key: string, readonly expected: string, readonly actual: string) {
    super(`archived object ${key} failed its integrity check`);
  }
}

export interface ArchiveOptions {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
  /** The bucket's default COMPLIANCE lock where object lock is on; a contract's end is unknown when it is stored. */
  defaultLockDays?: number;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function keyForDigest(sha256: string): string {
  return `sha256/${sha256.slice(0, 2)}/${sha256}`;
}

export class ObjectArchive {
  private readonly client: Minio.Client;
  /** Whether the bucket enforces retention itself (MinIO object lock, compliance mode). */
  objectLock = false;

  /** The client signs the payload's SHA-256 over plain HTTP (as MinIO's own client decides), and relies on TLS otherwise. */
  private readonly payloadSigned: boolean;

  constructor(private readonly options: ArchiveOptions) {
    const url = new URL(options.endpoint);
    this.payloadSigned = url.protocol !== 'https:' && Boolean(options.accessKey && options.secretKey);
    this.client = new Minio.Client({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      useSSL: url.protocol === 'https:',
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region,
    });
  }

  get bucket(): string {
    return this.options.bucket;
  }

  /** Creates the bucket (with object locking where the server can) and detects lock support. */
  async init(): Promise<void> {
    if (!(await this.client.bucketExists(this.bucket))) {
      try {
        await this.client.makeBucket(this.bucket, this.options.region, { ObjectLocking: true });
      } catch {
        // Servers without object lock refuse the header; the application still enforces retention.
        if (!(await this.client.bucketExists(this.bucket))) await this.client.makeBucket(this.bucket, this.options.region);
      }
    }
    const lock = await (this.client.getObjectLockConfig(this.bucket) as unknown as Promise<{ objectLockEnabled?: string; mode?: string }>).catch(() => undefined);
    this.objectLock = lock?.objectLockEnabled === 'Enabled';
    // Per-object lock headers cannot travel with the minio client's putObject (it turns them into
    // user metadata), and a lock set after the upload leaves a window: the default retention has none.
    if (this.objectLock && !lock?.mode && this.options.defaultLockDays) {
      await this.client.setObjectLockConfig(this.bucket, { mode: Minio.RETENTION_MODES.COMPLIANCE, unit: Minio.RETENTION_VALIDITY_UNITS.DAYS, validity: this.options.defaultLockDays });
    }
  }

  /** Stores bytes under their digest. Storing the same bytes twice is a no-op, never an overwrite. */
  /**
   * `fresh`: the bytes carry a signature made just now, so no object can have this key yet and
   * the existence check (a round trip per object) is skipped.
   */
  async put(bytes: Uint8Array, opts: { contentType: string; retainUntil?: Date; fresh?: boolean; sha256?: string }): Promise<ArchivedObject> {
    // A caller that has just hashed the bytes passes the digest (every read checks it anyway).
    const sha256 = opts.sha256 ?? sha256Hex(bytes);
    const key = keyForDigest(sha256);
    const existing = opts.fresh ? undefined : await this.client.statObject(this.bucket, key).catch(() => undefined);
    if (existing) {
      if (existing.size !== bytes.length) throw new IntegrityError(key, sha256, `size ${existing.size}`);
      return { key, sha256, size: bytes.length };
    }
    await this.upload(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), sha256, { 'Content-Type': opts.contentType, 'X-Amz-Meta-Sha256': sha256 });
    if (opts.retainUntil) await this.extendRetention(key, opts.retainUntil);
    return { key, sha256, size: bytes.length };
  }

  /**
   * One PUT with the digest we already have. The client's putObject would copy the bytes twice
   * and hash them twice more (SHA-256 to sign the payload over HTTP, MD5 for Content-MD5 over
   * HTTPS, both always computed); this signs the request with our SHA-256 where the payload is
   * signed, and sends Content-MD5 where it is not.
   */
  private async upload(key: string, body: Buffer, sha256: string, headers: Record<string, string>): Promise<void> {
    const integrity = this.payloadSigned ? {} : { 'Content-MD5': createHash('md5').update(body).digest('base64') };
    const response = await this.client.makeRequestStreamAsync(
      { method: 'PUT', bucketName: this.bucket, objectName: key, headers: { ...headers, ...integrity, 'Content-Length': String(body.length) } },
      body,
      this.payloadSigned ? sha256 : '',
      [200],
      '',
    );
    response.resume();
    await finished(response);
  }

  /** Reads an object and checks it against the digest recorded when it was stored. */
  async get(key: string, expectedSha256: string): Promise<Buffer> {
    const stream = await this.client.getObject(this.bucket, key);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const actual = sha256Hex(bytes);
    if (actual !== expectedSha256) throw new IntegrityError(key, expectedSha256, actual);
    return bytes;
  }

  /**
   * Removes an object the database never recorded (a batch worker died between storing and
   * recording it). Callers check that no document refers to the key; a locked object stays.
   */
  async removeUnrecorded(key: string): Promise<void> {
    await this.client.removeObject(this.bucket, key).catch(() => undefined);
  }

  /** Extends (never shortens) the lock on an object, e.g. when a contract terminates. */
  async extendRetention(key: string, until: Date): Promise<void> {
    if (!this.objectLock) return;
    // COMPLIANCE retention can only grow: a date before the current one would be refused.
    const current = await (this.client.getObjectRetention(this.bucket, key, { versionId: '' }) as Promise<{ retainUntilDate?: string } | null>).catch(() => null);
    if (current?.retainUntilDate && new Date(current.retainUntilDate) >= until) return;
    await this.client.putObjectRetention(this.bucket, key, { versionId: '', mode: Minio.RETENTION_MODES.COMPLIANCE, retainUntilDate: until.toISOString() });
  }

  async ping(): Promise<void> {
    await this.client.bucketExists(this.bucket);
  }
}
