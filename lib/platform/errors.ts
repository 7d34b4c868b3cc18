// The one error family: what a user may be told, with the HTTP status it is answered with.
// Route handlers (lib/web/route.ts), server actions (lib/web/action.ts), the rating form's
// save and the scripts all map errors through `asAppError`; anything else is a 500 with no details.

export class AppError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: shown to the user as is; nothing was changed. */
export class UserInputError extends AppError {
  constructor(message: string, status = 400) {
    super(message, status);
  }
}

/** An uploaded file that cannot be read or mapped; the message says what is wrong and where. */
export class ImportFileError extends UserInputError {}

/** A request body over its limit, refused while it streams. */
export class BodyTooLargeError extends UserInputError {
  constructor(message: string) {
    super(message, 413);
  }
}

/** The caller's role does not allow the action. */
export class ForbiddenError extends AppError {
  constructor(message = "You do not have permission to do this.") {
    super(message, 403);
  }
}

/** The thing does not exist for this caller. */
export class NotFoundError extends AppError {
  constructor(message = "Not found.") {
    super(message, 404);
  }
}

/** A rater's case whose candidates are not all there yet (a system is still generating). */
export class NotReadyError extends AppError {
  constructor(
    message = "This case is still being prepared: its candidates are not all ready yet. Please come back to it later.",
  ) {
    super(message, 409);
  }
}

/** The study is closed (or not open yet): answers can be read, not changed. Final, never retried. */
export class StudyClosedError extends AppError {
  constructor(message = "This study is closed: answers can no longer be changed.") {
    super(message, 423);
  }
}

/** A unique index refused a row: two requests raced to create the same thing. */
export const isUniqueViolation = (e: unknown) => (e as { code?: string } | null)?.code === "P2002";

/**
 * PostgreSQL refused a text it cannot store (a NUL byte: SQLSTATE 22021) that a check upstream
 * missed. It is bad input, never a passing trouble: answered as such and never retried.
 */
function isUnstorableText(e: unknown): boolean {
  const cause = (e as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } } | null)?.meta
    ?.driverAdapterError?.cause;
  return cause?.originalCode === "22021";
}

export const UNSTORABLE_TEXT =
  "The input contains a character that cannot be stored (a NUL byte); nothing was changed.";

/** What the user is told about an error, or null for a fault of the server (logged, answered 500). */
export function asAppError(e: unknown): AppError | null {
  if (e instanceof AppError) return e;
  if (isUnstorableText(e)) return new UserInputError(UNSTORABLE_TEXT);
  return null;
}

export const SERVER_FAULT = "Something went wrong on the server; nothing was changed.";

/** The HTTP answer for an error: its status and message, or a 500 that reveals nothing. */
export function errorResponse(e: unknown): Response {
  const known = asAppError(e);
  if (known) return Response.json({ error: known.message }, { status: known.status });
  console.error(e);
  return Response.json({ error: SERVER_FAULT }, { status: 500 });
}

/** A failure as a value: what the user reads, and whether trying again may help. */
export type Failure = { ok: false; error: string; retry: boolean };

/**
 * The one mapping of a thrown value to a failure for server actions and the rating form. A
 * refusal (bad input, no access, gone) is final; a fault of the server or a case not ready yet
 * may pass, so the form retries it.
 */
export function failureOf(e: unknown): Failure {
  const known = asAppError(e);
  if (known) return { ok: false, error: known.message, retry: known.status >= 500 || known.status === 409 };
  console.error(e);
  return { ok: false, error: SERVER_FAULT, retry: true };
}
