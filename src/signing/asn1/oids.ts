/** Object identifiers used by the certificate, CMS, TSP, CRL and OCSP structures. */
export const oids = {
  // Algorithms
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',

  // Name attributes
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  organizationIdentifier: '2.5.4.97',

  // Certificate and CRL extensions
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  accessOcsp: '1.3.6.1.5.5.7.48.1',
  accessCaIssuers: '1.3.6.1.5.5.7.48.2',
  kpTimeStamping: '1.3.6.1.5.5.7.3.8',
  kpOcspSigning: '1.3.6.1.5.5.7.3.9',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',

  // CMS
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  tstInfo: '1.2.840.113549.1.9.16.1.4',

  // OCSP
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',

  /**
   * Default TSA policy: a private arc for the platform. Replace with an assigned OID in
   * production (configurable on the TimestampAuthority).
   */
  laborSignTsaPolicy: '1.3.6.1.4.1.59999.1.1',
  laborSignCertificatePolicy: '1.3.6.1.4.1.59999.2.1',
} as const;

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const hashByOid = new Map<string, HashName>([
  [oids.sha1, 'sha1'],
  [oids.sha256, 'sha256'],
  [oids.sha384, 'sha384'],
  [oids.sha512, 'sha512'],
]);

/** The node:crypto hash name for a digest algorithm OID, or undefined when unsupported. */
export function hashNameOf(oid: string): HashName | undefined {
  return hashByOid.get(oid);
}

export function hashOidOf(name: HashName): string {
  return oids[name];
}

/** The hash implied by a signature algorithm OID (ECDSA or RSA PKCS#1 v1.5). */
export function hashOfSignatureAlgorithm(oid: string): HashName | undefined {
  switch (oid) {
    case oids.ecdsaWithSha256:
    case oids.sha256WithRsa:
      return 'sha256';
    case oids.ecdsaWithSha384:
    case oids.sha384WithRsa:
      return 'sha384';
    case oids.ecdsaWithSha512:
    case oids.sha512WithRsa:
      return 'sha512';
    default:
      return undefined;
  }
}
