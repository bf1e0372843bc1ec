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

  body(instance?: string): ProblemBody {
    return {
      type: problemBase + this.slug,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...(this.errors?.length ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }

  static badRequest(errors: FieldProblem[], detail = 'The request has invalid fields.'): Problem {
    return new Problem(400, 'validation', 'Invalid request', detail, errors);
  }
  static unauthorized(detail = 'An API key is required: send `Authorization: Bearer <key>`.'): Problem {
    return new Problem(401, 'unauthorized', 'Unauthorized', detail);
  }
  static forbidden(detail = 'This credential may not do that.'): Problem {
    return new Problem(403, 'forbidden', 'Forbidden', detail);
  }
  static notFound(what: string): Problem {
    return new Problem(404, 'not-found', 'Not found', `${what} was not found.`);
  }
  static conflict(detail: string, errors?: FieldProblem[]): Problem {
    return new Problem(409, 'conflict', 'Conflict', detail, errors);
  }
}

export { problemBase };
