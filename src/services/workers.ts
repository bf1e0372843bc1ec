/**
 * Workers (劳动者). Personal data is stored encrypted; the ID number's blind index finds the
 * same person across employers and contracts without storing the number in clear.
 */
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

/** Finds the worker by ID number or creates them; name and phone follow the latest contract. */
export async function upsertWorker(tx: DbTx, crypto: FieldCrypto, identity: WorkerIdentity): Promise<string> {
  const idNumber = identity.idNumber.trim().toUpperCase();
  const parsed = parseResidentId(idNumber);
  // A record without a phone number (a roster line) keeps the number already known.
  const data = {
    nameCipher: crypto.encrypt(identity.name, workerColumns.name),
    ...(identity.phone ? { phoneCipher: crypto.encrypt(identity.phone, workerColumns.phone), phoneIndex: phoneIndex(crypto, identity.phone) } : {}),
  };
  const worker = await tx.worker.upsert({
    where: { idIndex: idNumberIndex(crypto, idNumber) },
    update: data,
    create: {
      ...data,
      idCipher: crypto.encrypt(idNumber, workerColumns.idNumber),
      idIndex: idNumberIndex(crypto, idNumber),
      birthDate: parsed.ok ? new Date(`${parsed.birthDate}T00:00:00Z`) : null,
      sex: parsed.ok ? parsed.sex : null,
    },
    select: { id: true },
  });
  return worker.id;
}

export function readWorker(crypto: FieldCrypto, row: { nameCipher: Uint8Array; idCipher: Uint8Array; phoneCipher: Uint8Array | null }): WorkerIdentity {
  return {
    name: crypto.decrypt(row.nameCipher, workerColumns.name),
    idNumber: crypto.decrypt(row.idCipher, workerColumns.idNumber),
    ...(row.phoneCipher ? { phone: crypto.decrypt(row.phoneCipher, workerColumns.phone) } : {}),
  };
}
