/** Raised when the caller's role does not allow the action; routes turn it into 403. */
export class ForbiddenError extends Error {
  constructor(message = "You do not have permission to do this.") {
    super(message);
  }
}

/** Raised when a thing does not exist for this caller; routes turn it into 404. */
export class NotFoundError extends Error {
  constructor(message = "Not found.") {
    super(message);
  }
}

/** Bad input: shown to the user as is; nothing was changed. */
export class UserInputError extends Error {}

/** A rater's case whose candidates are not all there yet (a system is still generating). */
export class NotReadyError extends Error {
  constructor(
    message = "This case is still being prepared: its candidates are not all ready yet. Please come back to it later.",
  ) {
    super(message);
  }
}

/** A unique index refused a row: two requests raced to create the same thing. */
export const isUniqueViolation = (e: unknown) => (e as { code?: string } | null)?.code === "P2002";

/**
 * PostgreSQL refused a text it cannot store (a NUL byte: SQLSTATE 22021) that a check upstream
 * missed. It is bad input, never a passing trouble: answered as such and never retried.
 */
export function isUnstorableText(e: unknown): boolean {
  const cause = (e as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } } | null)?.meta
    ?.driverAdapterError?.cause;
  return cause?.originalCode === "22021";
}

export const UNSTORABLE_TEXT =
  "The input contains a character that cannot be stored (a NUL byte); nothing was changed.";
