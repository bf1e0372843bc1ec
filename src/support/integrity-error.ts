/**
 * A recorded object is not as recorded: `altered` (its bytes hash to something else) or
 * `missing` (the store has no such object or version). Never serve it; operators must look.
 */
export class IntegrityError extends Error {
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly actual: string,
    readonly problem: 'altered' | 'missing' = 'altered',
    readonly versionId: string | null = null,
  ) {
    super(problem === 'missing' ? `archived object ${key}${versionId ? ` version ${versionId}` : ''} is missing from the store` : `archived object ${key} failed its integrity check`);
  }
}
