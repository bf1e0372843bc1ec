/**
 * Applies and creates Prisma migrations without the network. The Prisma CLI would download a
 * native schema engine; the WebAssembly build of the same engine, driven through the pg driver
 * adapter, does the same work offline and writes the usual `_prisma_migrations` table.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import pg from 'pg';

const require = createRequire(import.meta.url);
export const prismaDir = path.resolve(import.meta.dirname, '../../prisma');
export const migrationsDir = path.join(prismaDir, 'migrations');
const schemaPath = path.join(prismaDir, 'schema.prisma');

let engineModule: Promise<typeof import('@prisma/schema-engine-wasm/schema_engine_bg')> | undefined;

/** Whether this process has loaded the schema engine (it stays in memory once loaded). */
export function schemaEngineLoaded(): boolean {
  return engineModule !== undefined;
}

/** Loads the wasm-bindgen module once per process (the package targets bundlers, not Node). */
function loadEngineModule() {
  engineModule ??= (async () => {
    const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmFile = path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm')), 'schema_engine_bg.wasm');
    const { instance } = await WebAssembly.instantiate(await readFile(wasmFile), { './schema_engine_bg.js': bindings as never });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return bindings;
  })();
  return engineModule;
}

async function withEngine<T>(databaseUrl: string, work: (engine: SchemaEngine, schema: string) => Promise<T>): Promise<T> {
  const bindings = await loadEngineModule();
  const schema = await readFile(schemaPath, 'utf8');
  // Our own pool, ended afterwards: the engine holds Prisma's migration advisory lock on its
  // connection, and a pool left open would make the next run wait for it.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const factory = new PrismaPg(pool);
  const engine = await bindings.SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, () => undefined, bindMigrationAwareSqlAdapterFactory(factory));
  try {
    return await work(engine, schema);
  } finally {
    engine.free();
    await pool.end();
  }
}

async function readMigrationList(): Promise<MigrationList> {
  const entries = (await readdir(migrationsDir).catch(() => [] as string[])).sort();
  const migrationDirectories = [];
  for (const name of entries) {
    const dir = path.join(migrationsDir, name);
    if (!(await stat(dir)).isDirectory()) continue;
    const content = await readFile(path.join(dir, 'migration.sql'), 'utf8');
    migrationDirectories.push({ path: name, migrationFile: { path: 'migration.sql', content: { tag: 'ok' as const, value: content } } });
  }
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  const lock = await readFile(lockPath, 'utf8').catch(() => null);
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: lock },
    shadowDbInitScript: '',
    migrationDirectories,
  } as MigrationList;
}

const noFilter = { externalTables: [], externalEnums: [] };

/**
 * Audit events and official access records are append-only: the database itself refuses to
 * change or remove them. Kept outside migration.sql because the engine splits scripts on `;`,
 * which breaks PL/pgSQL bodies; every statement here is idempotent.
 */
const appendOnlyGuards = `
create or replace function refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'table % is append-only', tg_table_name using errcode = 'insufficient_privilege';
end;
$$;
create or replace trigger "AuditEvent_append_only" before update or delete on "AuditEvent"
  for each row execute function refuse_change();
create or replace trigger "AccessLog_append_only" before update or delete on "AccessLog"
  for each row execute function refuse_change();
`;

/**
 * True when `_prisma_migrations` records every migration directory as finished, not rolled back,
 * with the checksum (SHA-256 of migration.sql) of the file here, and nothing else. Anything else
 * (no table yet, a pending, failed, edited or unknown migration) is left to the engine.
 */
async function allApplied(client: pg.Client, migrationsList: MigrationList): Promise<boolean> {
  const table = await client.query<{ exists: boolean }>(`select to_regclass('_prisma_migrations') is not null as exists`);
  if (!table.rows[0]?.exists) return false;
  const { rows } = await client.query<{ migration_name: string; checksum: string; finished: boolean; rolled_back: boolean }>(
    'select migration_name, checksum, finished_at is not null as finished, rolled_back_at is not null as rolled_back from _prisma_migrations',
  );
  const wanted = new Map(
    migrationsList.migrationDirectories.map((dir) => {
      const content = dir.migrationFile.content;
      return [dir.path, content.tag === 'ok' ? createHash('sha256').update(content.value).digest('hex') : ''] as const;
    }),
  );
  const current = rows.filter((row) => !row.rolled_back);
  return current.length === wanted.size && current.every((row) => row.finished && wanted.get(row.migration_name) === row.checksum);
}

/** Applies every migration not yet applied (and the append-only guards); returns the names applied now. */
export async function applyMigrations(databaseUrl: string): Promise<string[]> {
  const migrationsList = await readMigrationList();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // The schema engine (WebAssembly) stays loaded once used (~30 MiB of a process's RSS): an
    // up-to-date database, the usual case at start, is recognised without it.
    const applied = (await allApplied(client, migrationsList))
      ? []
      : await withEngine(databaseUrl, async (engine) => {
          const out = await engine.applyMigrations({ migrationsList, filters: noFilter });
          return out.appliedMigrationNames;
        });
    await client.query(appendOnlyGuards);
    return applied;
  } finally {
    await client.end();
  }
}

/**
 * SQL that takes the schema of the newest migration to prisma/schema.prisma. Each migration
 * keeps a snapshot of the schema it produced (`schema.prisma` beside `migration.sql`), so the
 * diff is between two datamodels and needs no shadow database.
 */
export async function pendingSchemaSql(databaseUrl: string): Promise<string> {
  const { migrationDirectories } = await readMigrationList();
  const newest = migrationDirectories.at(-1);
  const previous = newest ? await readFile(path.join(migrationsDir, newest.path, 'schema.prisma'), 'utf8') : undefined;
  return withEngine(databaseUrl, async (engine, schema) => {
    const result = await engine.diff({
      from: previous === undefined ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: previous }] },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: noFilter,
    });
    return result.stdout ?? '';
  });
}

export { schemaPath };
