import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { RULE_TABLE } from '../../src/domain/labor-law.ts';
import { rulesMarkdown } from '../../src/domain/labor-law/rules-doc.ts';

t.test('docs/RULES.md is the text generated from the rule table (run `npm run rules:doc` after changing a rule)', async (t) => {
  const file = readFileSync(path.resolve(import.meta.dirname, '../../docs/RULES.md'), 'utf8');
  t.equal(file, rulesMarkdown());
  for (const rule of RULE_TABLE) t.ok(file.includes(`\`${rule.name}\``), `${rule.name} is listed`);
});
