/** Turns every error into RFC 9457 problem+json, naming fields and rules for validation errors. */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { IntegrityError } from '../../support/integrity-error.ts';
import { Problem, type FieldProblem } from '../../problem.ts';
import { sheetLimitProblem } from '../../sheets/limits.ts';
import { xlsxMediaType } from '../../sheets/xlsx.ts';

const contextNames: Record<string, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/** Chinese for the validation rules, so a worker's phone shows what to fix (zod issue codes). */
const rulesZh: Record<string, string> = {
  invalid_type: '缺少此项或类型不正确',
  too_small: '内容太短或数值太小',
  too_big: '内容太长或数值太大',
  invalid_format: '格式不正确',
  invalid_string: '格式不正确',
  invalid_value: '取值不在允许范围内',
  invalid_enum_value: '取值不在允许范围内',
  unrecognized_keys: '不认识此项，请删除或检查拼写',
  not_multiple_of: '数值精度不正确',
  custom: '内容不符合要求',
};

/** What a schema's own rule declares in a custom issue: `params: { rule, messageZh }`. */
export interface OwnRule {
  rule?: string;
  messageZh?: string;
}

/**
 * One zod issue as a field problem: the rule and Chinese message the schema declared for it
 * (a refinement's `params`), else the issue code and its Chinese in `rulesZh`.
 */
export function zodFieldProblem(issue: { code: string; path: string; message: string; params?: OwnRule }, where: string): FieldProblem {
  return {
    field: issue.path || '(root)',
    in: where,
    rule: issue.params?.rule ?? issue.code,
    message: issue.message,
    messageZh: issue.params?.messageZh ?? rulesZh[issue.code] ?? '内容不符合要求',
  };
}

/** Request validation errors as fastify-type-provider-zod reports them (the zod issue in `params`). */
export function validationIssues(error: { validation?: { keyword: string; instancePath: string; message?: string; params?: { params?: OwnRule; keys?: string[] } }[]; validationContext?: string }) {
  const where = contextNames[error.validationContext ?? 'body'] ?? 'body';
  return (error.validation ?? []).flatMap((item) => {
    const path = item.instancePath.replace(/^\//, '').replaceAll('/', '.');
    // An unknown key is reported on its own path, so the problem names the field to remove.
    if (item.keyword === 'unrecognized_keys' && item.params?.keys?.length) {
      return item.params.keys.map((key) => ({ where, issue: { code: item.keyword, path: path ? `${path}.${key}` : key, message: `unknown field "${key}"` } }));
    }
    return [{ where, issue: { code: item.keyword, path, message: item.message ?? 'invalid', ...(item.params?.params ? { params: item.params.params } : {}) } }];
  });
}

/** A body over its limit: a sheet names its own limit; anything else the route's. */
function tooLarge(request: FastifyRequest): Problem {
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('text/csv')) return sheetLimitProblem('csvBytes');
  if (type.startsWith(xlsxMediaType)) return sheetLimitProblem('xlsxBytes');
  const limit = request.routeOptions.bodyLimit;
  const mib = Math.round((limit / 1024 / 1024) * 100) / 100;
  const messageZh = `提交的内容超过 ${mib} MiB 的上限`;
  return new Problem(
    413,
    'body-too-large',
    'Body too large',
    `The body may have at most ${limit} bytes.`,
    [{ field: '(body)', in: 'body', rule: 'body_max_bytes', message: `must be at most ${limit} bytes`, messageZh }],
    { messageZh, limit },
  );
}

function toProblem(error: FastifyError, request: FastifyRequest): Problem {
  if (error instanceof Problem) return error;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return tooLarge(request);
  if (hasZodFastifySchemaValidationErrors(error)) {
    return Problem.badRequest(validationIssues(error as Parameters<typeof validationIssues>[0]).map(({ issue, where }) => zodFieldProblem(issue, where)));
  }
  if (error instanceof IntegrityError) {
    // A server-side failure of the platform's own archive (nothing the caller can change), so
    // 5xx; but named, so clients and operators tell it from any other failure. Never the bytes.
    return error.problem === 'missing'
      ? new Problem(500, 'archive-integrity', 'Archived document missing', 'A recorded document is missing from the archive and cannot be served. Operators have been alerted.', undefined, {
          problem: 'missing',
          messageZh: '存档文件缺失，暂时无法提供，已通知运维人员',
        })
      : new Problem(500, 'archive-integrity', 'Archived document altered', 'A stored document failed its SHA-256 check and is withheld. Operators have been alerted.', undefined, {
          problem: 'altered',
          messageZh: '存档文件校验未通过，已暂停提供并通知运维人员',
        });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.statusCode === 415) {
    return new Problem(415, 'unsupported-media-type', 'Unsupported media type', error.message, undefined, { messageZh: '不支持提交的内容类型' });
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
    return Problem.badRequest([{ field: '(root)', in: 'body', rule: 'json', message: 'body must be valid JSON', messageZh: '提交的内容不是有效的 JSON' }], error.message);
  }
  if (error.statusCode === 429) {
    return new Problem(429, 'rate-limited', 'Too many requests', error.message, [
      { field: '(request)', in: 'headers', rule: 'rate_limit', message: 'too many requests; retry later', messageZh: '操作过于频繁，请稍后再试' },
    ]);
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new Problem(error.statusCode, 'request', error.name || 'Bad request', error.message);
  }
  // Workers read these on their phones: Chinese alongside, nothing about what went wrong inside.
  return new Problem(500, 'internal', 'Internal error', 'The request failed; the request id identifies it in the logs.', undefined, { messageZh: '系统暂时无法完成此操作，请稍后重试' });
}

/**
 * Errors Fastify's router answers before any route or error handler runs (a path parameter over
 * maxParamLength: 414; a malformed URL: 400), as problem+json like every other error.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const problem = new Problem(status, 'request', tooLong ? 'URI too long' : 'Bad request', tooLong ? 'A path parameter is too long.' : 'The URL cannot be read.', [
    {
      field: '(path)',
      in: 'params',
      rule: tooLong ? 'max_param_length' : 'url',
      message: tooLong ? 'a path parameter is too long' : 'the URL is malformed',
      messageZh: tooLong ? '链接中的参数过长' : '链接格式不正确',
    },
  ]);
  reply
    .status(status)
    .type('application/problem+json; charset=utf-8')
    .send({ ...problem.body(), requestId: request.id });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error, request);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    reply
      .status(problem.status)
      .type('application/problem+json; charset=utf-8')
      .send({ ...problem.body(request.url), requestId: request.id });
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .type('application/problem+json; charset=utf-8')
      .send({ ...Problem.notFound(`${request.method} ${request.url.split('?')[0]}`, '没有这个页面或接口，请检查链接').body(request.url), requestId: request.id });
  });
}
