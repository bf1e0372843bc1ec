/**
 * Applies and creates Prisma migrations without the network. The Prisma CLI would download a
 * native schema engine; the WebAssembly build of the same engine, driven through the pg driver
 * adapter, does the same work offline and writes the usual `_prisma_migrations` table.
 */
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
  const engine = await bindings.SchemaEngine.new(
    { datamodels: [[schemaPath, schema]] },
    () => undefined,
    bindMigrationAwareSqlAdapterFactory(factory),
  );
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

/** Applies every migration not yet applied (and the append-only guards); returns the names applied now. */
export async function applyMigrations(databaseUrl: string): Promise<string[]> {
  const migrationsList = await readMigrationList();
  const applied = await withEngine(databaseUrl, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList, filters: noFilter });
    return out.appliedMigrationNames;
  });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(appendOnlyGuards);
  } finally {
    await client.end();
  }
  return applied;
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
