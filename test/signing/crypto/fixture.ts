import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pemEncode } from '../../../src/signing/asn1/der.ts';
import type { Pki } from '../../../src/signing/pki/authority.ts';
import { createBuiltInPki } from '../../../src/signing/pki/built-in.ts';

export interface PkiFixture {
  pki: Pki;
  dir: string;
  masterKey: Buffer;
  /** Writes bytes (or PEM of a certificate list) into the fixture directory; returns the path. */
  file(name: string, content: Uint8Array | string): string;
  pem(name: string, ...certificates: Uint8Array[]): string;
  cleanup(): void;
}

export async function pkiFixture(): Promise<PkiFixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'laborsign-pki-'));
  const masterKey = randomBytes(32);
  const pki = await createBuiltInPki({ dataDir: path.join(dir, 'data'), masterKey, baseUrl: 'http://127.0.0.1:3000' });
  const file = (name: string, content: Uint8Array | string) => {
    const target = path.join(dir, name);
    writeFileSync(target, content);
    return target;
  };
  return {
    pki,
    dir,
    masterKey,
    file,
    pem: (name, ...certificates) => file(name, certificates.map((c) => pemEncode(c, 'CERTIFICATE')).join('')),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
