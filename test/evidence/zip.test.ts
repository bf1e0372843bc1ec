import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { zip } from '../../src/evidence/zip.ts';
import { needs, run } from '../helpers/tools.ts';

t.test('unzip reads what we write, Chinese names and all', needs('unzip'), async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'laborsign-zip-'));
  const text = '劳动合同 evidence '.repeat(200);
  const file = path.join(dir, 'bundle.zip');
  writeFileSync(
    file,
    zip([
      { name: '说明.txt', data: Buffer.from(text) },
      { name: 'bin/random.bin', data: Buffer.from([0, 1, 2, 255]) },
    ]),
  );
  const test = run('unzip', ['-t', file]);
  t.equal(test.status, 0, test.stdout + test.stderr);
  t.equal(run('unzip', ['-o', '-q', file, '-d', path.join(dir, 'out')]).status, 0);
  t.equal(readFileSync(path.join(dir, 'out', '说明.txt'), 'utf8'), text);
  t.same([...readFileSync(path.join(dir, 'out', 'bin', 'random.bin'))], [0, 1, 2, 255]);
});
