/**
 * How `npm start` and `npm run worker` start Node, read from package.json: the environment the
 * script sets and the V8 options before `--import`. The batch benchmark and the crash test start
 * their processes the same way, so their figures are those of the deployed processes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface Launch {
  env: Record<string, string>;
  nodeOptions: string[];
}

export function launchOf(script: 'start' | 'worker'): Launch {
  const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../package.json'), 'utf8')) as { scripts: Record<string, string> };
  const tokens = pkg.scripts[script]!.split(/\s+/).filter(Boolean);
  const env: Record<string, string> = {};
  let at = 0;
  for (; at < tokens.length && /^[A-Z_][A-Z0-9_]*=/.test(tokens[at]!); at++) {
    const [name, ...value] = tokens[at]!.split('=');
    env[name!] = value.join('=');
  }
  if (tokens[at] !== 'node') throw new Error(`package.json script ${script} does not start node: ${pkg.scripts[script]}`);
  const end = tokens.indexOf('--import', at);
  return { env, nodeOptions: tokens.slice(at + 1, end < 0 ? undefined : end) };
}
