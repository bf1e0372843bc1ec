import { randomBytes } from 'node:crypto';
import t from 'tap';
import { FieldCrypto } from '../../src/security/field-crypto.ts';

const crypto = new FieldCrypto(randomBytes(32));

t.test('round trip, and ciphertexts differ for equal plaintexts', async (t) => {
  const a = crypto.encrypt('11010519491231002X', 'worker.idNumber');
  const b = crypto.encrypt('11010519491231002X', 'worker.idNumber');
  t.not(Buffer.from(a).toString('hex'), Buffer.from(b).toString('hex'));
  t.equal(crypto.decrypt(a, 'worker.idNumber'), '11010519491231002X');
  t.notOk(Buffer.from(a).includes(Buffer.from('11010519491231002X')), 'no plaintext in the ciphertext');
});

t.test('a ciphertext moved to another column or tampered with does not decrypt', async (t) => {
  const sealed = crypto.encrypt('李四', 'worker.name');
  t.throws(() => crypto.decrypt(sealed, 'worker.phone'));
  const tampered = Buffer.from(sealed);
  tampered[tampered.length - 1]! ^= 1;
  t.throws(() => crypto.decrypt(tampered, 'worker.name'));
  t.throws(() => new FieldCrypto(randomBytes(32)).decrypt(sealed, 'worker.name'), 'another master key cannot read it');
});

t.test('blind indexes are deterministic per key and context', async (t) => {
  t.equal(crypto.blindIndex('13800000000', 'phone'), crypto.blindIndex('13800000000', 'phone'));
  t.not(crypto.blindIndex('13800000000', 'phone'), crypto.blindIndex('13800000000', 'id'));
  t.not(crypto.blindIndex('13800000000', 'phone'), new FieldCrypto(randomBytes(32)).blindIndex('13800000000', 'phone'));
});
