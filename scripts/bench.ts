/**
 * `npm run bench [-- name ...]`: runs the benchmarks (all, or those named) and writes each one's
 * result into its own section of docs/BENCHMARKS.md, with the machine and the date.
 * Each benchmark is a module in scripts/bench/ exporting `title` and `run()` → markdown.
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

const wanted = process.argv.slice(2);
const names = (await readdir(benchDir)).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
let doc = await readFile(docPath, 'utf8').catch(() => '# Benchmarks\n\nWritten by `npm run bench`; each section says when and where it was measured.\n');
for (const name of names.filter((n) => wanted.length === 0 || wanted.includes(n))) {
  const bench = (await import(path.join(benchDir, `${name}.ts`))) as Benchmark;
  console.log(`running ${name}: ${bench.title}`);
  const result = await bench.run();
  const stamp = `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}.`;
  doc = replaceSection(doc, name, `## ${bench.title}\n\n${stamp}\n\n${result}`);
  console.log(result);
}
await writeFile(docPath, doc);
console.log(`updated ${path.relative(process.cwd(), docPath)}`);
