/**
 * Workers (劳动者). Personal data is stored encrypted; the ID number's blind index finds the
 * same person across employers and contracts without storing the number in clear.
 */
import { insertRows, uuidv7, type ColumnSpec } from '../db/bulk-insert.ts';
import type { DbTx } from '../db/client.ts';
import { parseResidentId } from '../domain/identity.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';

export interface WorkerIdentity {
  name: string;
  idNumber: string;
  phone?: string;
}

export const workerColumns = { name: 'Worker.name', idNumber: 'Worker.idNumber', phone: 'Worker.phone' } as const;

export function idNumberIndex(crypto: FieldCrypto, idNumber: string): string {
  return crypto.blindIndex(idNumber.trim().toUpperCase(), workerColumns.idNumber);
}

export function phoneIndex(crypto: FieldCrypto, phone: string): string {
  return crypto.blindIndex(phone.replace(/\D/g, ''), workerColumns.phone);
}

/** The encrypted columns of a worker record: what an update sets, and what a new record also needs. */
export function workerRecord(crypto: FieldCrypto, identity: WorkerIdentity) {
  const idNumber = identity.idNumber.trim().toUpperCase();
  const parsed = parseResidentId(idNumber);
  // A record without a phone number (a roster line) keeps the number already known.
  const update = {
    nameCipher: crypto.encrypt(identity.name, workerColumns.name),
    ...(identity.phone ? { phoneCipher: crypto.encrypt(identity.phone, workerColumns.phone), phoneIndex: phoneIndex(crypto, identity.phone) } : {}),
  };
  const create = {
    ...update,
    idCipher: crypto.encrypt(idNumber, workerColumns.idNumber),
    idIndex: idNumberIndex(crypto, idNumber),
    birthDate: parsed.ok ? new Date(`${parsed.birthDate}T00:00:00Z`) : null,
    sex: parsed.ok ? parsed.sex : null,
  };
  return { idIndex: create.idIndex, update, create };
}

/** Finds the worker by ID number or creates them; name and phone follow the latest contract. */
export async function upsertWorker(tx: DbTx, crypto: FieldCrypto, identity: WorkerIdentity): Promise<string> {
  const { idIndex, update, create } = workerRecord(crypto, identity);
  const worker = await tx.worker.upsert({ where: { idIndex }, update, create, select: { id: true } });
  return worker.id;
}

/** The columns of `workerRecord`'s row, for bulk inserts. */
export const workerTable: ColumnSpec = {
  id: 'uuid',
  nameCipher: 'bytea',
  idCipher: 'bytea',
  idIndex: 'text',
  phoneCipher: 'bytea',
  phoneIndex: 'text',
  birthDate: 'date',
  sex: 'text',
  createdAt: 'timestamp',
};

/**
 * upsertWorker for many at once (a batch), in one statement: returns each identity's worker
 * id, in order. The same person twice takes the later name and phone, as updates in turn would.
 */
export async function upsertWorkers(tx: DbTx, crypto: FieldCrypto, identities: WorkerIdentity[]): Promise<string[]> {
  const records = identities.map((identity) => workerRecord(crypto, identity));
  const latest = new Map(records.map((r) => [r.idIndex, r.create]));
  const createdAt = new Date();
  // In index order: two processes upserting the same people lock their rows in the same order.
  const rows = [...latest.values()].sort((a, b) => (a.idIndex < b.idIndex ? -1 : 1)).map((create) => ({ id: uuidv7(), ...create, createdAt }));
  // Another process may create the same person meanwhile; the conflict turns our insert into
  // the update. A line without a phone number keeps the number already known (workerRecord).
  const saved = await insertRows<{ id: string; idIndex: string }>(
    tx,
    'Worker',
    workerTable,
    rows,
    `on conflict ("idIndex") do update set "nameCipher" = excluded."nameCipher", "phoneCipher" = coalesce(excluded."phoneCipher", "Worker"."phoneCipher"), "phoneIndex" = coalesce(excluded."phoneIndex", "Worker"."phoneIndex") returning id, "idIndex"`,
  );
  const idOf = new Map(saved.map((w) => [w.idIndex, w.id]));
  return records.map((r) => idOf.get(r.idIndex)!);
}

export function readWorker(crypto: FieldCrypto, row: { nameCipher: Uint8Array; idCipher: Uint8Array; phoneCipher: Uint8Array | null }): WorkerIdentity {
  return {
    name: crypto.decrypt(row.nameCipher, workerColumns.name),
    idNumber: crypto.decrypt(row.idCipher, workerColumns.idNumber),
    ...(row.phoneCipher ? { phone: crypto.decrypt(row.phoneCipher, workerColumns.phone) } : {}),
  };
}
