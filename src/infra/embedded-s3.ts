/**
 * An S3-protocol endpoint on loopback (s3rver) for the zero-configuration default. MinIO itself
 * is not distributed through npm; the application talks to this exactly as it talks to MinIO,
 * through the minio client. It supports neither versioning nor object lock, which /readyz reports.
 */
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import S3rver from 's3rver';

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

/** The parts of s3rver (3.7) that trimPerRequestWork touches. */
export interface S3rverInternals {
  middleware: ((...args: unknown[]) => unknown)[];
  store: {
    getSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown>;
    putSubresource(bucket: string, key: string | undefined, resource: { type: string }): Promise<unknown>;
    deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown>;
    deleteBucket(bucket: string): Promise<unknown>;
  };
}

/**
 * s3rver reads a bucket's CORS and website configuration from disk on every request and formats
 * a log line for every response even when silent: about a third of its work per stored
 * contract in a batch. Bucket configurations are cached (they change only through this same
 * store), and the silent request logger is dropped.
 */
export function trimPerRequestWork(server: S3rverInternals): void {
  server.middleware = server.middleware.filter((fn) => fn.name !== 'logger');
  const store = server.store;
  const cache = new Map<string, Promise<unknown>>();
  const { getSubresource, putSubresource, deleteSubresource, deleteBucket } = store;
  store.getSubresource = (bucket, key, type) => {
    if (key !== undefined) return getSubresource.call(store, bucket, key, type);
    let found = cache.get(`${bucket}/${type}`);
    if (!found) {
      found = getSubresource.call(store, bucket, key, type);
      cache.set(`${bucket}/${type}`, found);
      found.catch(() => cache.delete(`${bucket}/${type}`));
    }
    return found;
  };
  store.putSubresource = async (bucket, key, resource) => {
    cache.delete(`${bucket}/${resource.type}`);
    try {
      return await putSubresource.call(store, bucket, key, resource);
    } finally {
      cache.delete(`${bucket}/${resource.type}`);
    }
  };
  store.deleteSubresource = async (bucket, key, type) => {
    cache.delete(`${bucket}/${type}`);
    try {
      return await deleteSubresource.call(store, bucket, key, type);
    } finally {
      cache.delete(`${bucket}/${type}`);
    }
  };
  store.deleteBucket = async (bucket) => {
    try {
      return await deleteBucket.call(store, bucket);
    } finally {
      for (const entry of cache.keys()) if (entry.startsWith(`${bucket}/`)) cache.delete(entry);
    }
  };
}

export async function startEmbeddedS3(opts: { dir: string; port: number }): Promise<EmbeddedS3Handle> {
  const endpoint = `http://127.0.0.1:${opts.port}`;
  // Another LaborSign process on this machine already serves the same directory.
  if (opts.port !== 0 && (await portInUse(opts.port))) return { endpoint, accessKey, secretKey, stop: async () => undefined };
  await mkdir(opts.dir, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port: opts.port, directory: opts.dir, silent: true, resetOnClose: false });
  trimPerRequestWork(server as unknown as S3rverInternals);
  const { port } = (await server.run()) as { port: number };
  return { endpoint: `http://127.0.0.1:${port}`, accessKey, secretKey, stop: () => server.close() };
}
