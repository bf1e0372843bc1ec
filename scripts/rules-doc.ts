/** `npm run rules:doc`: writes docs/RULES.md from the rule table (src/domain/labor-law/rules-doc.ts). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { rulesMarkdown } from '../src/domain/labor-law/rules-doc.ts';

const file = path.resolve(import.meta.dirname, '../docs/RULES.md');
writeFileSync(file, rulesMarkdown());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
