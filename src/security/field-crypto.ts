/**
 * Encryption of personal data at rest (AES-256-GCM) and keyed blind indexes (HMAC-SHA256) so
 * that encrypted values can still be found by exact match. Separate keys are derived from the
 * master key for each purpose, so a leaked index key reveals no ciphertext.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const version = 1;
const textPrefix = 'enc1:';
export const isEncryptedText = (text: string) => text.startsWith(textPrefix);

export class FieldCrypto {
  private readonly encryptionKey: Buffer;
  private readonly indexKey: Buffer;

  constructor(masterKey: Buffer) {
    this.encryptionKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'laborsign field encryption v1', 32));
    this.indexKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'laborsign blind index v1', 32));
  }

  /** version(1) | iv(12) | tag(16) | ciphertext; `context` binds a value to its column. */
  encrypt(plain: string, context: string): Uint8Array<ArrayBuffer> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    // A plain Uint8Array (not a pooled Buffer) is what the database driver stores as bytea.
    return new Uint8Array(Buffer.concat([Buffer.from([version]), iv, cipher.getAuthTag(), body]));
  }

  decrypt(sealed: Uint8Array, context: string): string {
    const bytes = Buffer.from(sealed);
    if (bytes[0] !== version) throw new Error('unknown ciphertext version');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, bytes.subarray(1, 13));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(bytes.subarray(13, 29));
    return Buffer.concat([decipher.update(bytes.subarray(29)), decipher.final()]).toString('utf8');
  }

  encryptJson(value: unknown, context: string): Uint8Array<ArrayBuffer> {
    return this.encrypt(JSON.stringify(value), context);
  }

  decryptJson<T>(sealed: Uint8Array, context: string): T {
    return JSON.parse(this.decrypt(sealed, context)) as T;
  }

  /** A ciphertext for a text column: `enc1:` and the base64 of `encrypt`. */
  encryptText(plain: string, context: string): string {
    return `${textPrefix}${Buffer.from(this.encrypt(plain, context)).toString('base64')}`;
  }

  /** The plain value of `encryptText` (a value written before encryption is returned as it is). */
  decryptText(text: string, context: string): string {
    return isEncryptedText(text) ? this.decrypt(Buffer.from(text.slice(textPrefix.length), 'base64'), context) : text;
  }

  /** Deterministic lookup token for an exact value (normalised by the caller). */
  blindIndex(value: string, context: string): string {
    return createHmac('sha256', this.indexKey).update(context).update('\0').update(value).digest('base64url');
  }
}
