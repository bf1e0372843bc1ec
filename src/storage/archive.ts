/**
 * The document archive over the S3 protocol (distributed MinIO or Ceph RGW in production).
 * Objects are content addressed (the key is their SHA-256), never overwritten and never deleted
 * by the application; every read is of the version the database recorded and is checked against
 * the digest recorded with it. Where the bucket has object lock, its default retention
 * (COMPLIANCE mode) locks every object version from the moment it exists, a known retention date
 * (Art. 50) extends the lock, and a legal hold keeps a version while a case is open. The engine
 * itself then refuses to delete or shorten. Without object lock (the embedded endpoint), the
 * application alone keeps objects: it never overwrites a key and never deletes a recorded one.
 */
import { createHash } from 'node:crypto';
import { finished } from 'node:stream/promises';
import * as Minio from 'minio';
import { IntegrityError } from '../support/integrity-error.ts';

// Defined apart so the HTTP error handler can recognise it without importing the storage layer.
export { IntegrityError };

export interface ArchivedObject {
  key: string;
  sha256: string;
  size: number;
  /** The version the engine gave the object; null on a store without versioning. */
  versionId: string | null;
}

/** What the database records of an object, enough to read it back verified. */
export interface ObjectRef {
  objectKey: string;
  sha256: string;
  versionId?: string | null;
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

/** What the bucket enforces by itself, reported by /readyz. */
export interface ArchiveCapabilities {
  /** The bucket keeps every version of a key (a delete only adds a marker). */
  versioning: boolean;
  /** Object lock is on: retention and legal holds are enforced by the engine. */
  objectLock: boolean;
  /** The default retention new versions get, when object lock is on. */
  defaultRetention: { mode: string; days: number } | null;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function keyForDigest(sha256: string): string {
  return `sha256/${sha256.slice(0, 2)}/${sha256}`;
}

/** S3 error codes meaning "no such object (version)": the object a row names is gone. */
const absentCodes = new Set(['NoSuchKey', 'NoSuchVersion', 'NotFound', 'NoSuchObject']);
function isAbsent(error: unknown): boolean {
  const e = error as { code?: string; statusCode?: number };
  return absentCodes.has(e?.code ?? '') || e?.statusCode === 404;
}

export class ObjectArchive {
  private readonly client: Minio.Client;
  capabilities: ArchiveCapabilities = { versioning: false, objectLock: false, defaultRetention: null };

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

  /** Whether the bucket enforces retention itself (object lock, compliance mode). */
  get objectLock(): boolean {
    return this.capabilities.objectLock;
  }

  /** Creates the bucket (with object lock where the server can) and detects what it enforces. */
  async init(): Promise<void> {
    if (!(await this.client.bucketExists(this.bucket))) {
      try {
        await this.client.makeBucket(this.bucket, this.options.region, { ObjectLocking: true });
      } catch {
        // Servers without object lock refuse the header; the application still enforces retention.
        if (!(await this.client.bucketExists(this.bucket))) await this.client.makeBucket(this.bucket, this.options.region);
      }
    }
    const lock = await (this.client.getObjectLockConfig(this.bucket) as unknown as Promise<{ objectLockEnabled?: string; mode?: string; unit?: string; validity?: number }>).catch(() => undefined);
    const objectLock = lock?.objectLockEnabled === 'Enabled';
    // Per-object lock headers cannot travel with the minio client's putObject (it turns them into
    // user metadata), and a lock set after the upload leaves a window: the default retention has none.
    let defaultRetention: ArchiveCapabilities['defaultRetention'] = null;
    if (objectLock && lock?.mode) defaultRetention = { mode: lock.mode, days: lock.unit === 'Years' ? Number(lock.validity) * 365 : Number(lock.validity) };
    else if (objectLock && this.options.defaultLockDays) {
      await this.client.setObjectLockConfig(this.bucket, { mode: Minio.RETENTION_MODES.COMPLIANCE, unit: Minio.RETENTION_VALIDITY_UNITS.DAYS, validity: this.options.defaultLockDays });
      defaultRetention = { mode: Minio.RETENTION_MODES.COMPLIANCE, days: this.options.defaultLockDays };
    }
    const versioning = await this.client
      .getBucketVersioning(this.bucket)
      .then((v) => (v as { Status?: string })?.Status === 'Enabled')
      .catch(() => false);
    this.capabilities = { versioning: versioning || objectLock, objectLock, defaultRetention };
  }

  /**
   * Stores bytes under their digest. Storing the same bytes twice is a no-op, never an overwrite.
   * `fresh`: the bytes carry a signature made just now, so no object can have this key yet and
   * the existence check (a round trip per object) is skipped.
   */
  async put(bytes: Uint8Array, opts: { contentType: string; retainUntil?: Date; fresh?: boolean; sha256?: string }): Promise<ArchivedObject> {
    // A caller that has just hashed the bytes passes the digest (every read checks it anyway).
    const sha256 = opts.sha256 ?? sha256Hex(bytes);
    const key = keyForDigest(sha256);
    // On a versioned bucket a key hidden by a delete marker answers 404 here: it is stored again
    // as a new version, and the rows that named the older version still read that one.
    const existing = opts.fresh ? undefined : await this.client.statObject(this.bucket, key).catch(() => undefined);
    let versionId: string | null;
    if (existing) {
      if (existing.size !== bytes.length) throw new IntegrityError(key, sha256, `size ${existing.size}`);
      versionId = existing.versionId ?? null;
    } else {
      versionId = await this.upload(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), sha256, { 'Content-Type': opts.contentType, 'X-Amz-Meta-Sha256': sha256 });
    }
    if (opts.retainUntil) await this.extendRetention(key, opts.retainUntil, versionId);
    return { key, sha256, size: bytes.length, versionId: this.capabilities.versioning ? versionId : null };
  }

  /**
   * One PUT with the digest we already have. The client's putObject would copy the bytes twice
   * and hash them twice more (SHA-256 to sign the payload over HTTP, MD5 for Content-MD5 over
   * HTTPS, both always computed); this signs the request with our SHA-256 where the payload is
   * signed, and sends Content-MD5 where it is not. Answers the version the engine created.
   */
  private async upload(key: string, body: Buffer, sha256: string, headers: Record<string, string>): Promise<string | null> {
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
    const version = response.headers['x-amz-version-id'];
    return typeof version === 'string' && version !== 'null' ? version : null;
  }

  /**
   * Reads the recorded version of an object and checks it against the digest recorded when it
   * was stored. A missing object or version, or other bytes, is an IntegrityError.
   */
  async get(key: string, expectedSha256: string, versionId?: string | null): Promise<Buffer> {
    let bytes: Buffer;
    try {
      const stream = await this.client.getObject(this.bucket, key, versionId ? { versionId } : {});
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      bytes = Buffer.concat(chunks);
    } catch (error) {
      if (isAbsent(error)) throw new IntegrityError(key, expectedSha256, 'absent', 'missing', versionId ?? null);
      throw error;
    }
    const actual = sha256Hex(bytes);
    if (actual !== expectedSha256) throw new IntegrityError(key, expectedSha256, actual, 'altered', versionId ?? null);
    return bytes;
  }

  /** `get` for a recorded row (Document, or anything with objectKey, sha256 and versionId). */
  read(ref: ObjectRef): Promise<Buffer> {
    return this.get(ref.objectKey, ref.sha256, ref.versionId);
  }

  /**
   * Removes an object the database never recorded (a batch worker died between storing and
   * recording it). Callers check that no document refers to the key. On a versioned bucket this
   * only adds a delete marker (the locked version stays until its retention ends).
   */
  async removeUnrecorded(key: string): Promise<void> {
    await this.client.removeObject(this.bucket, key).catch(() => undefined);
  }

  /** Extends (never shortens) the lock on an object version, e.g. when a contract terminates. */
  async extendRetention(key: string, until: Date, versionId?: string | null): Promise<void> {
    if (!this.objectLock) return;
    const version = { versionId: versionId ?? '' };
    // COMPLIANCE retention can only grow: the engine refuses a date before the current one.
    const current = await (this.client.getObjectRetention(this.bucket, key, version) as Promise<{ retainUntilDate?: string } | null>).catch(() => null);
    if (current?.retainUntilDate && new Date(current.retainUntilDate) >= until) return;
    await this.client.putObjectRetention(this.bucket, key, { ...version, mode: Minio.RETENTION_MODES.COMPLIANCE, retainUntilDate: until.toISOString() });
  }

  /**
   * Places or lifts the legal hold on an object version (a case is open on its contract). False
   * when the bucket has no object lock: then the application's never-delete rule is all there is.
   */
  async setLegalHold(key: string, versionId: string | null | undefined, on: boolean): Promise<boolean> {
    if (!this.objectLock) return false;
    await (this.client.setObjectLegalHold(this.bucket, key, {
      status: on ? Minio.LEGAL_HOLD_STATUS.ENABLED : Minio.LEGAL_HOLD_STATUS.DISABLED,
      ...(versionId ? { versionId } : {}),
    }) as unknown as Promise<void>);
    return true;
  }

  /** The engine's retention and legal hold of an object version (both null without object lock). */
  async lockState(key: string, versionId?: string | null): Promise<{ retainUntil: Date | null; mode: string | null; legalHold: boolean | null }> {
    if (!this.objectLock) return { retainUntil: null, mode: null, legalHold: null };
    const version = { versionId: versionId ?? '' };
    const retention = await (this.client.getObjectRetention(this.bucket, key, version) as Promise<{ retainUntilDate?: string; mode?: string } | null>).catch(() => null);
    const hold = await (this.client.getObjectLegalHold(this.bucket, key, version) as Promise<unknown>).catch(() => null);
    const status = typeof hold === 'string' ? hold : (hold as { Status?: string } | null)?.Status;
    return { retainUntil: retention?.retainUntilDate ? new Date(retention.retainUntilDate) : null, mode: retention?.mode ?? null, legalHold: status === undefined ? null : status === 'ON' };
  }

  async ping(): Promise<void> {
    await this.client.bucketExists(this.bucket);
  }
}
