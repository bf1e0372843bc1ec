/** `npm run db:migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
import path from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { applyMigrations } from '../src/db/migrations.ts';
import { ensureDatabase, startEmbeddedPostgres } from '../src/infra/embedded-postgres.ts';

const config = loadConfig();
let url = config.DATABASE_URL;
let stop = async () => undefined as void;
if (!url) {
  const server = await startEmbeddedPostgres({ dir: path.join(config.DATA_DIR, 'postgres'), port: config.EMBEDDED_PG_PORT });
  await ensureDatabase(server.serverUrl, 'laborsign');
  url = server.urlFor('laborsign');
  stop = server.stop;
}
const applied = await applyMigrations(url);
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
await stop();
