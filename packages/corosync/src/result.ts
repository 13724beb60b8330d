// One result shape for every parser: callers branch on `ok`, parsers never throw.

export interface ParseError {
  /** 1-based line of the offending input; 0 = the input as a whole */
  line: number;
  message: string;
  /** the offending line's text, when there is one */
  text?: string;
}

export type ParseResult<T> = { ok: true; value: T; warnings?: string[] } | { ok: false; error: ParseError };

export function ok<T>(value: T, warnings: readonly string[] = []): ParseResult<T> {
  return warnings.length > 0 ? { ok: true, value, warnings: [...warnings] } : { ok: true, value };
}

export function fail<T>(message: string, line = 0, text?: string): ParseResult<T> {
  return { ok: false, error: text === undefined ? { line, message } : { line, message, text } };
}

/**
 * Runs a parser body and turns anything it throws into a failed result, so a bug or a hostile input
 * can never take down the collector that called us.
 */
export function guard<T>(what: string, body: () => ParseResult<T>): ParseResult<T> {
  try {
    return body();
  } catch (err) {
    return fail(`${what}: internal parser error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Accepts only strings; anything else (null, a Buffer passed by mistake) is a whole-input error. */
export function requireText(input: unknown, what: string): ParseResult<string> {
  return typeof input === 'string' ? ok(input) : fail(`${what}: expected text, got ${input === null ? 'null' : typeof input}`);
}
