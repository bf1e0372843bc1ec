/**
 * JSON request bodies parsed with a nesting limit: a body nested 100,000 deep parses, then
 * overflows the stack of whatever walks it (validation, encryption, canonical JSON). The depth
 * is counted in one pass over the text before JSON.parse, outside strings, and a body deeper
 * than JSON_LIMITS.depth is refused with 400. Size is the route's bodyLimit (413).
 */
import type { FastifyInstance } from 'fastify';
import { Problem } from '../problem.ts';

export const JSON_LIMITS = {
  /** Arrays and objects inside one another. No request of this API needs more than 6. */
  depth: 64,
} as const;

/** The deepest nesting of arrays and objects in a JSON text (strings skipped). */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest && (deepest = depth) > stopAbove) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

export function registerJsonParser(app: FastifyInstance): void {
  // Fastify's own parser stays the parser (prototype-poisoning protection, empty-body errors).
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonDepth(body as string, JSON_LIMITS.depth) > JSON_LIMITS.depth) {
      const messageZh = `提交的 JSON 嵌套层数不能超过 ${JSON_LIMITS.depth} 层`;
      done(
        new Problem(
          400,
          'validation',
          'Invalid request',
          `JSON may nest at most ${JSON_LIMITS.depth} levels.`,
          [{ field: '(root)', in: 'body', rule: 'json_max_depth', message: `nested deeper than ${JSON_LIMITS.depth} levels`, messageZh }],
          { messageZh },
        ) as unknown as Error,
        undefined,
      );
      return;
    }
    parse(request, body as string, done);
  });
}
