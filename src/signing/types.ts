/**
 * The narrow interfaces between the signing modules. PAdES (PDF structure) knows nothing
 * of keys; CMS knows nothing of PDF; a key can live in this process, in a browser
 * (WebCrypto, non-extractable) or in an HSM, behind `SignatureKey`.
 */

/** Signature algorithms the platform issues and accepts. RSA-2048 is refused (too weak in 2026). */
export type SignatureAlgorithm = 'ecdsa-p256-sha256' | 'rsa3072-sha256';

/** A private-key operation, wherever the key lives. */
export interface SignatureKey {
  algorithm: SignatureAlgorithm;
  /**
   * Signs `data` (the DER of the CMS signed attributes) with SHA-256.
   * Returns the signature value as it goes into CMS: DER `ECDSA-Sig-Value` for ECDSA
   * (convert from WebCrypto's raw r||s), PKCS#1 v1.5 bytes for RSA.
   */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** A signer: the key plus the certificate chain that names it (leaf first, DER). */
export interface Signer {
  key: SignatureKey;
  /** [leaf, issuing CA, ..., (root optional)] as DER. */
  chain: Uint8Array[];
}

/** Obtains an RFC 3161 TimeStampToken (a CMS ContentInfo, DER) over `data`'s SHA-256. */
export interface TimestampClient {
  timestamp(data: Uint8Array): Promise<Uint8Array>;
}

/** Builds a detached CAdES CMS (ContentInfo DER) over a document digest (SHA-256 of the byte ranges). */
export type CmsProducer = (documentDigest: Uint8Array) => Promise<Uint8Array>;
