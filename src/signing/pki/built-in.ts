/**
 * The development PKI: a hierarchy generated on first start under `dataDir/pki/` (root →
 * issuing CA for organisations, issuing CA for individuals; TSA certificate; delegated OCSP
 * responders), keys sealed under the master key.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pemDecodeAll, pemEncode } from '../asn1/der.ts';
import type { NameAttribute } from '../asn1/names.ts';
import { oids } from '../asn1/oids.ts';
import { authority, createPki, day, pkiUrls, skewMs, validateMaterial, type IssuingAuthority, type OcspResponderIdentity, type Pki, type PkiMaterial, type PkiUrls } from './authority.ts';
import { createCertificate, parseCertificate, type CertificateIssuer, type CertificateTemplate } from './certificate.ts';
import { generateKeyPair, openSealedPrivateKey, sealPrivateKey } from './keys.ts';
import { InMemoryCertificateStatusStore, type CertificateStatusStore } from './status-store.ts';

export interface BuiltInPkiOptions {
  dataDir: string;
  masterKey: Buffer;
  baseUrl: string;
  statusStore?: CertificateStatusStore;
  /** Display name placed in O= of the platform's CA certificates. */
  organisationName?: string;
  /** certificatePolicies OIDs for leaf certificates (default: the platform's private-arc OID). */
  policies?: string[];
}

const builtInFiles = ['root', 'organisations', 'individuals', 'tsa', 'ocsp-organisations', 'ocsp-individuals'] as const;
type BuiltInName = (typeof builtInFiles)[number];
type Generated = Record<BuiltInName, { der: Uint8Array; privateKey: KeyObject }>;

function generateHierarchy(options: BuiltInPkiOptions, urls: PkiUrls): Generated {
  const now = Date.now();
  const organisation = options.organisationName ?? 'LaborSign 电子劳动合同平台';
  const name = (cn: string): NameAttribute[] => [
    { type: 'C', value: 'CN' },
    { type: 'O', value: organisation },
    { type: 'CN', value: cn },
  ];
  const years = (n: number) => new Date(now + n * 365 * day);
  const notBefore = new Date(now - skewMs);
  const caExtensions = (issuer: string) => ({ crlUrls: [urls.crl(issuer)], caIssuersUrls: [urls.caIssuers(issuer)] });

  const rootKeys = generateKeyPair();
  const rootDer = createCertificate(
    { subject: name('LaborSign Root CA'), publicKey: rootKeys.publicKey, notBefore, notAfter: years(20), ca: {}, keyUsage: ['keyCertSign', 'cRLSign'] },
    { selfSigningKey: rootKeys.privateKey },
  );
  const root: CertificateIssuer = { certificate: parseCertificate(rootDer), privateKey: rootKeys.privateKey };

  const result = { root: { der: rootDer, privateKey: rootKeys.privateKey } } as Generated;
  const issueUnder = (issuer: CertificateIssuer, file: BuiltInName, template: Omit<CertificateTemplate, 'publicKey' | 'notBefore'>) => {
    const keys = generateKeyPair();
    const der = createCertificate({ ...template, publicKey: keys.publicKey, notBefore }, issuer);
    result[file] = { der, privateKey: keys.privateKey };
    return { certificate: parseCertificate(der), privateKey: keys.privateKey };
  };
  const caTemplate = (cn: string) => ({
    subject: name(cn),
    notAfter: years(10),
    ca: { pathLength: 0 },
    keyUsage: ['keyCertSign', 'cRLSign'] as CertificateTemplate['keyUsage'],
    ...caExtensions('root'),
  });
  const organisations = issueUnder(root, 'organisations', caTemplate('LaborSign Organisation CA'));
  const individuals = issueUnder(root, 'individuals', caTemplate('LaborSign Individual CA'));
  issueUnder(root, 'tsa', {
    subject: name('LaborSign Time Stamping Authority'),
    notAfter: years(10),
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    extendedKeyUsage: { purposes: [oids.kpTimeStamping], critical: true },
    ...caExtensions('root'),
  });
  for (const [file, ca] of [
    ['ocsp-organisations', organisations],
    ['ocsp-individuals', individuals],
  ] as const) {
    issueUnder(ca, file, {
      subject: name(`LaborSign OCSP Responder (${file.slice(5)})`),
      notAfter: years(2),
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: { purposes: [oids.kpOcspSigning], critical: false },
      ocspNoCheck: true,
      caIssuersUrls: [urls.caIssuers(file.slice(5))],
    });
  }
  return result;
}

async function writeHierarchy(directory: string, generated: Generated, masterKey: Buffer): Promise<void> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  for (const file of builtInFiles) {
    const { der, privateKey } = generated[file];
    await writeFile(path.join(directory, `${file}.cert.pem`), pemEncode(der, 'CERTIFICATE'), { mode: 0o644 });
    await writeFile(path.join(directory, `${file}.key.pem`), sealPrivateKey(privateKey, masterKey), { mode: 0o600 });
  }
}

async function readHierarchy(directory: string, masterKey: Buffer): Promise<Generated> {
  const result = {} as Generated;
  for (const file of builtInFiles) {
    const [der] = pemDecodeAll(await readFile(path.join(directory, `${file}.cert.pem`), 'utf8'), 'CERTIFICATE');
    if (!der) throw new Error(`pki: ${file}.cert.pem holds no certificate`);
    const privateKey = openSealedPrivateKey(await readFile(path.join(directory, `${file}.key.pem`), 'utf8'), masterKey);
    result[file] = { der, privateKey };
  }
  return result;
}

/**
 * Loads the built-in PKI from `dataDir/pki/`, generating it on first start. Generation goes
 * to a temporary directory renamed into place, so concurrent first starts agree on one CA.
 */
export async function createBuiltInPki(options: BuiltInPkiOptions): Promise<Pki> {
  const urls = pkiUrls(options.baseUrl);
  const directory = path.join(options.dataDir, 'pki');
  if (!existsSync(directory)) {
    const temporary = `${directory}.tmp-${randomBytes(6).toString('hex')}`;
    await writeHierarchy(temporary, generateHierarchy(options, urls), options.masterKey);
    try {
      await rename(temporary, directory);
    } catch (error) {
      await rm(temporary, { recursive: true, force: true });
      if (!existsSync(directory)) throw error;
    }
  }
  const files = await readHierarchy(directory, options.masterKey);
  const rootCa = authority('root', files.root.der, files.root.privateKey, []);
  const organisationCa = authority('organisations', files.organisations.der, files.organisations.privateKey, []);
  const individualCa = authority('individuals', files.individuals.der, files.individuals.privateKey, []);
  const responder = (file: BuiltInName, issuer: IssuingAuthority): OcspResponderIdentity => ({
    certificate: parseCertificate(files[file].der),
    privateKey: files[file].privateKey,
    chain: [files[file].der, ...issuer.chain],
    issuer: issuer.certificate,
  });
  const material: PkiMaterial = {
    root: rootCa.certificate,
    rootCa,
    organisationCa,
    individualCa,
    tsa: { certificate: parseCertificate(files.tsa.der), privateKey: files.tsa.privateKey, chain: [files.tsa.der] },
    ocspResponders: [
      responder('ocsp-organisations', organisationCa),
      responder('ocsp-individuals', individualCa),
      // The root answers for its own certificates (issuing CAs, TSA).
      { certificate: rootCa.certificate, privateKey: rootCa.privateKey, chain: [], issuer: rootCa.certificate },
    ],
    statusStore: options.statusStore ?? new InMemoryCertificateStatusStore(),
    urls,
    masterKey: options.masterKey,
    policies: options.policies ?? [oids.laborSignCertificatePolicy],
  };
  validateMaterial(material);
  const record = (file: BuiltInName, issuer: IssuingAuthority, kind: string) => {
    const certificate = parseCertificate(files[file].der);
    return material.statusStore.record({
      serialHex: certificate.serialHex,
      issuerKeyId: issuer.keyIdHex,
      subject: certificate.subjectText,
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
      kind,
      der: certificate.der,
    });
  };
  // The platform's own certificates, so OCSP and CRLs can speak about them.
  await record('organisations', rootCa, 'ca');
  await record('individuals', rootCa, 'ca');
  await record('tsa', rootCa, 'tsa');
  await record('ocsp-organisations', organisationCa, 'ocsp');
  await record('ocsp-individuals', individualCa, 'ocsp');
  return createPki(material);
}
