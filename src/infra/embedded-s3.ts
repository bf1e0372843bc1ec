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

export async function startEmbeddedS3(opts: { dir: string; port: number }): Promise<EmbeddedS3Handle> {
  const endpoint = `http://127.0.0.1:${opts.port}`;
  // Another LaborSign process on this machine already serves the same directory.
  if (opts.port !== 0 && (await portInUse(opts.port))) return { endpoint, accessKey, secretKey, stop: async () => undefined };
  await mkdir(opts.dir, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port: opts.port, directory: opts.dir, silent: true, resetOnClose: false });
  const { port } = (await server.run()) as { port: number };
  return { endpoint: `http://127.0.0.1:${port}`, accessKey, secretKey, stop: () => server.close() };
}
