/**
 * The one zod builder for free text that arrives from outside (names, addresses, reasons,
 * template field values). It refuses NUL and the other C0 control characters (and DEL): they
 * print as nothing, hide text in logs and PDFs, and PostgreSQL refuses NUL in text (error
 * 22021), which would otherwise surface as a 500. Multi-line text keeps tab, LF and CR.
 */
import { z } from 'zod';

// eslint-disable-next-line no-control-regex -- these patterns exist to find control characters
const singleLine = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- these patterns exist to find control characters
const multiLine = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export interface TextOptions {
  min?: number;
  /** Tab, line feed and carriage return allowed (clauses, descriptions). */
  multiline?: boolean;
  /** Surrounding whitespace kept (default: trimmed). */
  keepSpace?: boolean;
}

export function text(max: number, options: TextOptions = {}) {
  const forbidden = options.multiline ? multiLine : singleLine;
  const base = options.keepSpace ? z.string() : z.string().trim();
  const bounded = options.min !== undefined ? base.min(options.min).max(max) : base.max(max);
  return bounded.refine((value) => !forbidden.test(value), {
    message: options.multiline ? 'must not contain control characters (tab and line breaks are allowed)' : 'must not contain control characters or line breaks',
    params: { rule: 'no_control_characters', messageZh: options.multiline ? '不能包含控制字符' : '不能包含控制字符或换行' },
  });
}
