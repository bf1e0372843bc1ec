/** Readiness: whether the database and the object store answer, and what the store enforces by itself. */
import type { Db } from '../db/client.ts';
import type { ObjectArchive } from '../storage/archive.ts';

interface Check {
  ok: boolean;
  detail?: string;
}

async function probe(work: () => Promise<unknown>): Promise<Check> {
  try {
    await work();
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}

export class Readiness {
  private readonly db: Pick<Db, '$queryRaw'>;
  private readonly archive: Pick<ObjectArchive, 'ping' | 'capabilities'>;
  private readonly embedded: { postgres: boolean; s3: boolean };

  constructor(deps: { db: Pick<Db, '$queryRaw'>; archive: Pick<ObjectArchive, 'ping' | 'capabilities'>; embedded: { postgres: boolean; s3: boolean } }) {
    this.db = deps.db;
    this.archive = deps.archive;
    this.embedded = deps.embedded;
  }

  async check() {
    const [database, store] = await Promise.all([probe(() => this.db.$queryRaw`select 1`), probe(() => this.archive.ping())]);
    const { objectLock, versioning, defaultRetention } = this.archive.capabilities;
    return {
      ready: database.ok && store.ok,
      database,
      // Legal holds are enforced by the engine exactly when it has object lock.
      objectStore: { ...store, objectLock, versioning, defaultRetention, legalHolds: objectLock },
      embedded: this.embedded,
    };
  }
}
