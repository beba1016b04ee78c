/**
 * The two kinds of failure a connector reports (as UiPath distinguishes them):
 * - BusinessError: the outside system answered, and the answer is "no" (household not found,
 *   letter rejected for its address). Retrying changes nothing; a person decides.
 * - TechnicalError: the outside system did not answer properly (timeout, HTTP 500, selector
 *   missing, session expired, malformed file). Retried with backoff.
 * Messages are German and plain; they carry no names or numbers of people.
 */
export class BusinessError extends Error {
  override name = 'BusinessError';
  constructor(public readonly code: string, message: string) {
    super(message);
  }
}

export class TechnicalError extends Error {
  override name = 'TechnicalError';
  constructor(public readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isBusinessError(err: unknown): err is BusinessError {
  return err instanceof BusinessError || (err as { name?: string })?.name === 'BusinessError';
}
