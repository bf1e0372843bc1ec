/** Issue 20's layout rule: the validation code is split by responsibility, no module over 300 lines. */
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../src/signing');
const modules = [...readdirSync(path.join(root, 'verify')).map((f) => path.join('verify', f)), 'pki/path-validation.ts', 'pki/crl-status.ts', 'pki/memo.ts', 'pki/check-memo.ts'];

t.test('every validation module stays within 300 lines', async (t) => {
  t.ok(modules.length >= 10, 'byte ranges and CMS, path, CRL status, revocation, DSS, diff policy, LTV, report, orchestration');
  for (const module of modules) {
    const lines = readFileSync(path.join(root, module), 'utf8').split('\n').length;
    t.ok(lines <= 300, `${module}: ${lines} lines`);
  }
});
