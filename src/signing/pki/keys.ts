/**
 * Key handling: generation, algorithm policy (ECDSA P-256 or RSA ≥ 3072; RSA-2048 refused),
 * node:crypto / WebCrypto signing behind `SignatureKey`, and sealing private keys at rest.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, KeyObject, sign as cryptoSign, verify as cryptoVerify, webcrypto } from 'node:crypto';
import { algorithmIdentifier, type Asn1 } from '../asn1/der.ts';
import { ecdsaRawToDer } from '../asn1/ecdsa.ts';
import { hashOfSignatureAlgorithm, oids, type HashName } from '../asn1/oids.ts';
import type { SignatureAlgorithm, SignatureKey } from '../types.ts';
import { rememberedCheck } from './check-memo.ts';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function generateKeyPair(algorithm: SignatureAlgorithm = 'ecdsa-p256-sha256'): KeyPair {
  return algorithm === 'ecdsa-p256-sha256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 3072 });
}

/**
 * The platform algorithm for a key, enforcing policy: P-256 ECDSA, or RSA of at least
 * 3072 bits. Everything else (notably RSA-2048) throws.
 */
export function algorithmOfKey(key: KeyObject): SignatureAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    if (details.namedCurve !== 'prime256v1') throw new Error(`EC curve ${details.namedCurve ?? '?'} is not accepted; use P-256`);
    return 'ecdsa-p256-sha256';
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < 3072) throw new Error(`RSA-${bits} keys are refused; use ECDSA P-256 or RSA-3072`);
    return 'rsa3072-sha256';
  }
  throw new Error(`key type ${key.asymmetricKeyType ?? '?'} is not accepted; use ECDSA P-256 or RSA-3072`);
}

/** A public key from SPKI DER, PEM or a KeyObject (a private key yields its public half). */
export function toPublicKey(key: Uint8Array | string | KeyObject): KeyObject {
  if (key instanceof KeyObject) return key.type === 'private' ? createPublicKey(key) : key;
  if (typeof key === 'string') return createPublicKey(key);
  return createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' });
}

export function spkiOf(key: KeyObject): Uint8Array {
  return new Uint8Array(toPublicKey(key).export({ format: 'der', type: 'spki' }));
}

/** signatureAlgorithm for certificates, CRLs, OCSP and CMS SignerInfo. */
export function signatureAlgorithmIdentifier(algorithm: SignatureAlgorithm): Asn1 {
  return algorithm === 'ecdsa-p256-sha256' ? algorithmIdentifier(oids.ecdsaWithSha256) : algorithmIdentifier(oids.sha256WithRsa, null);
}

/** Synchronous SHA-256 signature with a local key (DER ECDSA-Sig-Value or PKCS#1 v1.5). */
export function signWithKey(privateKey: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'der' }));
}

/** A `SignatureKey` over a private key held by this process. */
export function localSignatureKey(privateKey: KeyObject): SignatureKey {
  const algorithm = algorithmOfKey(privateKey);
  return { algorithm, sign: async (data) => signWithKey(privateKey, data) };
}

/**
 * A `SignatureKey` over a WebCrypto ECDSA P-256 key (e.g. non-extractable, in a browser);
 * converts WebCrypto's raw r||s to the DER form CMS needs.
 */
export function webCryptoSignatureKey(privateKey: webcrypto.CryptoKey): SignatureKey {
  return {
    algorithm: 'ecdsa-p256-sha256',
    async sign(data) {
      const rawSignature = await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, data);
      return ecdsaRawToDer(new Uint8Array(rawSignature));
    },
  };
}

/**
 * Verifies a signature given the signature algorithm OID (X.509/OCSP/CRL) or, for CMS where
 * SignerInfo may name only the key type, an explicit digest.
 */
export function verifyWithKey(publicKey: KeyObject, signatureAlgorithmOid: string, data: Uint8Array, signature: Uint8Array, digest?: HashName): boolean {
  const hash = hashOfSignatureAlgorithm(signatureAlgorithmOid) ?? digest;
  if (!hash) throw new Error(`unsupported signature algorithm ${signatureAlgorithmOid}`);
  return rememberedCheck(publicKey, `${signatureAlgorithmOid}/${hash}`, data, signature, () => {
    try {
      return cryptoVerify(hash, data, { key: publicKey, dsaEncoding: 'der' }, signature);
    } catch {
      return false;
    }
  });
}

// ---------------------------------------------------------------------------------------
// At rest

/** Passphrase for CA keys derived from the master key (a separate purpose from field encryption). */
function keyPassphrase(masterKey: Buffer): string {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'laborsign pki private keys v1', 32)).toString('base64');
}

/**
 * Encrypted PKCS#8 PEM (PBES2: PBKDF2-HMAC-SHA256 + AES-256-CBC) under a passphrase derived
 * from the master key; readable by OpenSSL given the derived passphrase.
 */
export function sealPrivateKey(privateKey: KeyObject, masterKey: Buffer): string {
  return privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: keyPassphrase(masterKey) }) as string;
}

export function openSealedPrivateKey(pem: string, masterKey: Buffer): KeyObject {
  return createPrivateKey({ key: pem, format: 'pem', passphrase: keyPassphrase(masterKey) });
}

/** Loads a PEM private key, encrypted (with passphrase) or not. */
export function loadPrivateKeyPem(pem: string, passphrase?: string): KeyObject {
  return createPrivateKey({ key: pem, format: 'pem', ...(passphrase === undefined ? {} : { passphrase }) });
}

/** True when the private key is the partner of the public key. */
export function keyMatches(privateKey: KeyObject, publicKey: KeyObject): boolean {
  return Buffer.compare(spkiOf(privateKey), spkiOf(publicKey)) === 0;
}
