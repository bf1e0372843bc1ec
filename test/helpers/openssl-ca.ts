/** Production-style CA material made with the openssl command: a root, an issuing CA, a TSA. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export function opensslCa(dir: (name: string, content: string) => string) {
  const sh = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const rootKey = dir('p-root.key', '');
  const caKey = dir('p-ca.key', '');
  const tsaKey = dir('p-tsa.key', '');
  sh(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', rootKey]);
  sh(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', caKey]);
  sh(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', tsaKey]);
  const rootCert = dir('p-root.pem', '');
  sh([
    'req',
    '-x509',
    '-new',
    '-key',
    rootKey,
    '-subj',
    '/C=CN/O=某省CA/CN=Test Root',
    '-utf8',
    '-days',
    '3650',
    '-out',
    rootCert,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const issue = (key: string, subject: string, ext: string, out: string, signerCert: string, signerKey: string) => {
    const csr = dir(out + '.csr', '');
    sh(['req', '-new', '-key', key, '-subj', subject, '-utf8', '-out', csr]);
    const extFile = dir(out + '.ext', ext);
    sh(['x509', '-req', '-in', csr, '-CA', signerCert, '-CAkey', signerKey, '-CAcreateserial', '-days', '365', '-extfile', extFile, '-out', dir(out, '')]);
    return path.join(path.dirname(csr), out);
  };
  const caCert = issue(
    caKey,
    '/C=CN/O=某省CA/CN=Issuing CA',
    'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n',
    'p-ca.pem',
    rootCert,
    rootKey,
  );
  const tsaCert = issue(tsaKey, '/C=CN/CN=TSA', 'extendedKeyUsage=critical,timeStamping\nkeyUsage=critical,digitalSignature\n', 'p-tsa.pem', rootCert, rootKey);
  const weakTsaCert = issue(tsaKey, '/C=CN/CN=TSA weak', 'extendedKeyUsage=timeStamping\n', 'p-tsa-weak.pem', rootCert, rootKey);
  return { rootKey, caKey, tsaKey, rootCert, caCert, tsaCert, weakTsaCert, sh };
}
