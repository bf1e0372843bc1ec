/**
 * Application errors as RFC 9457 problem details, shared by services and the HTTP layer.
 * Every error the API returns is one of these, naming the field and the rule that failed;
 * worker-facing problems also carry a Chinese message.
 */
export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `worker.idNumber`. */
  field: string;
  /** Where the field was: body, query, params, headers, or a row of an upload. */
  in?: string;
  /** Machine-readable rule, e.g. `required`, `uscc_check_character`. */
  rule: string;
  message: string;
  messageZh?: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

const problemBase = 'https://laborsign.org/problems/';

/**
 * What a 4xx says in Chinese when nothing more specific was given: workers and officials read
 * problems on the pages, which show `messageZh` and never the English detail.
 */
const statusZh: Record<number, string> = {
  400: '提交的内容有误，请检查后重试',
  401: '请先登录或提供有效的密钥',
  403: '无权进行此操作',
  404: '未找到所请求的内容',
  405: '不支持此操作',
  406: '不支持所请求的格式',
  409: '当前状态下不能进行此操作',
  410: '链接已失效',
  413: '提交的内容过大',
  414: '链接过长',
  415: '不支持提交的文件类型',
  422: '无法处理提交的内容',
  423: '该记录已被锁定，暂时不能修改',
  429: '操作过于频繁，请稍后再试',
};

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldProblem[],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }

  /**
   * The Chinese message of the whole problem (every 4xx has one): the one given, else the first
   * field's, else the status's.
   */
  get messageZh(): string | undefined {
    const given = this.extensions.messageZh;
    if (typeof given === 'string') return given;
    return this.errors?.find((e) => e.messageZh)?.messageZh ?? (this.status < 500 ? (statusZh[this.status] ?? '请求未能完成，请检查后重试') : undefined);
  }

  body(instance?: string): ProblemBody {
    const messageZh = this.messageZh;
    return {
      type: problemBase + this.slug,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...(this.errors?.length ? { errors: this.errors } : {}),
      ...this.extensions,
      ...(messageZh ? { messageZh } : {}),
    };
  }

  static badRequest(errors: FieldProblem[], detail = 'The request has invalid fields.'): Problem {
    return new Problem(400, 'validation', 'Invalid request', detail, errors);
  }
  static unauthorized(detail = 'An API key is required: send `Authorization: Bearer <key>`.', messageZh?: string): Problem {
    return new Problem(401, 'unauthorized', 'Unauthorized', detail, undefined, messageZh ? { messageZh } : {});
  }
  static forbidden(detail = 'This credential may not do that.', messageZh?: string): Problem {
    return new Problem(403, 'forbidden', 'Forbidden', detail, undefined, messageZh ? { messageZh } : {});
  }
  static notFound(what: string, messageZh?: string): Problem {
    return new Problem(404, 'not-found', 'Not found', `${what} was not found.`, undefined, messageZh ? { messageZh } : {});
  }
  static conflict(detail: string, errors?: FieldProblem[]): Problem {
    return new Problem(409, 'conflict', 'Conflict', detail, errors);
  }
}

export { problemBase };
