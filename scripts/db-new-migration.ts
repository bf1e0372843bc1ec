/**
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes the
 * existing migrations to prisma/schema.prisma (`prisma migrate dev` needs the network).
 * Usage: npm run db:new-migration -- <name>
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { copyFile } from 'node:fs/promises';
import { migrationsDir, pendingSchemaSql, schemaPath } from '../src/db/migrations.ts';
import { ensureDatabase, startEmbeddedPostgres } from '../src/infra/embedded-postgres.ts';

const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]/gi, '_');
if (!name) {
  console.error('usage: npm run db:new-migration -- <name>');
  process.exit(2);
}
const pgServer = await startEmbeddedPostgres({ dir: path.join(tmpdir(), 'laborsign-migration-pg'), port: 55439 });
try {
  await ensureDatabase(pgServer.serverUrl, 'migration_scratch');
  const sql = await pendingSchemaSql(pgServer.urlFor('migration_scratch'));
  if (!sql.trim() || /^--\s*This is an empty migration/m.test(sql)) {
    console.log('schema and migrations are in sync; nothing written');
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = path.join(migrationsDir, `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'migration.sql'), sql);
    await copyFile(schemaPath, path.join(dir, 'schema.prisma'));
    await writeFile(path.join(migrationsDir, 'migration_lock.toml'), 'provider = "postgresql"\n');
    console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
  }
} finally {
  await pgServer.stop();
}
