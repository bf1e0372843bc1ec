/**
 * A start over an up-to-date database applies nothing and does not load the schema engine
 * (WebAssembly, ~30 MiB that would stay in the service's RSS); an edited migration still goes
 * to the engine (a pending one too: every fresh test database). Each case runs in its own process, as a start does.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import t from 'tap';
import { createTestPlatform } from '../helpers/platform.ts';

const test = await createTestPlatform(t);
const databaseUrl = test.platform.config.DATABASE_URL!;

const probe = `
import { applyMigrations, schemaEngineLoaded } from ${JSON.stringify(path.resolve('src/db/migrations.ts'))};
const applied = await applyMigrations(process.env.PROBE_DATABASE_URL);
console.log(JSON.stringify({ applied, engine: schemaEngineLoaded() }));
`;

async function startOnce(): Promise<{ applied: string[]; engine: boolean }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { env: { ...process.env, PROBE_DATABASE_URL: databaseUrl } });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { applied: string[]; engine: boolean };
}

t.test('an up-to-date database is recognised without the schema engine', async (t) => {
  t.same(await startOnce(), { applied: [], engine: false });
});

t.test('a migration recorded with another checksum goes to the engine', async (t) => {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  const { rows } = await client.query<{ migration_name: string; checksum: string }>('select migration_name, checksum from _prisma_migrations order by migration_name desc limit 1');
  const newest = rows[0]!;
  await client.query(`update _prisma_migrations set checksum = 'edited' where migration_name = $1`, [newest.migration_name]);
  t.equal((await startOnce()).engine, true, 'edited checksum: the engine decides');
  await client.query(`update _prisma_migrations set checksum = $2 where migration_name = $1`, [newest.migration_name, newest.checksum]);
  t.same(await startOnce(), { applied: [], engine: false }, 'restored: skipped again');
});
