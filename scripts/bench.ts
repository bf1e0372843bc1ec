/**
 * `npm run bench [-- name ...] [--store embedded|rgw]`: runs the benchmarks (all, or those named)
 * and writes each one's result into its own section of docs/BENCHMARKS.md, with the machine and
 * the date. Each benchmark is a module in scripts/bench/ exporting `title` and `run()` → markdown.
 * `--store` names the object store for benchmarks that use one (BENCH_STORE; rgw: a Ceph RADOS
 * Gateway from ../shared/tools/ceph-rgw); their result then goes to the section `<name>-<store>`.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const benchDir = path.join(import.meta.dirname, 'bench');
const docPath = path.resolve(import.meta.dirname, '../docs/BENCHMARKS.md');

interface Benchmark {
  title: string;
  run(): Promise<string>;
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`;
}

function replaceSection(doc: string, name: string, body: string): string {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  return from >= 0 && to > from ? doc.slice(0, from) + block + doc.slice(to + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
}

const args = process.argv.slice(2);
const storeAt = args.indexOf('--store');
const store = storeAt >= 0 ? args.splice(storeAt, 2)[1] : undefined;
if (store && !['embedded', 'rgw'].includes(store)) throw new Error('--store is embedded or rgw');
if (store) process.env.BENCH_STORE = store;
const wanted = args;
const names = (await readdir(benchDir))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();
let doc = await readFile(docPath, 'utf8').catch(() => '# Benchmarks\n\nWritten by `npm run bench`; each section says when and where it was measured.\n');
for (const name of names.filter((n) => wanted.length === 0 || wanted.includes(n))) {
  const bench = (await import(path.join(benchDir, `${name}.ts`))) as Benchmark & { usesStore?: boolean };
  const section = store && bench.usesStore ? `${name}-${store}` : name;
  console.log(`running ${name}: ${bench.title}`);
  const result = await bench.run();
  const stamp = `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}.`;
  const titled = store && bench.usesStore ? `${bench.title}, on ${store === 'rgw' ? 'Ceph RGW' : 'the embedded S3 endpoint'}` : bench.title;
  doc = replaceSection(doc, section, `## ${titled}\n\n${stamp}\n\n${result}`);
  console.log(result);
}
await writeFile(docPath, doc);
console.log(`updated ${path.relative(process.cwd(), docPath)}`);
