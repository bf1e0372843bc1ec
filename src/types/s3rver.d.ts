declare module 's3rver' {
  interface S3rverOptions {
    address?: string;
    port?: number;
    directory?: string;
    silent?: boolean;
    resetOnClose?: boolean;
    configureBuckets?: Array<{ name: string; configs?: unknown[] }>;
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
    store: unknown;
    context: { store: unknown };
    /** Koa's middleware list, composed when the server starts listening. */
    middleware: Array<(...args: never[]) => unknown>;
  }
}

declare module 's3rver/lib/stores/filesystem.js' {
  export interface StoredObject {
    bucket: string;
    key: string;
    content: AsyncIterable<Buffer> | Buffer;
    metadata: Record<string, string>;
  }
  export default class FilesystemStore {
    constructor(rootDirectory: string);
    getBucketPath(bucket: string): string;
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    getBucket(bucket: string): Promise<unknown>;
    getSubresource(bucket: string, key: string | undefined, resourceType: string): Promise<unknown>;
    getMetadata(bucket: string, key: string): Promise<Record<string, string | number>>;
    getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<unknown>;
    putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
    copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, replacementMetadata?: Record<string, string>): Promise<Record<string, string | number>>;
  }
}

declare module 's3rver/lib/models/object.js' {
  export default class S3Object {
    static ALLOWED_METADATA: string[];
    constructor(bucket: string, key: string, content: NodeJS.ReadableStream | null, metadata: Record<string, string | number>);
    range?: { start: number; end: number };
  }
}

declare module 's3rver/lib/models/bucket.js' {
  export default class S3Bucket {
    constructor(name: string, creationDate: Date);
  }
}
