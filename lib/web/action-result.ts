import { unstable_rethrow } from "next/navigation";
import {
  ForbiddenError,
  isUnstorableText,
  NotFoundError,
  UNSTORABLE_TEXT,
  UserInputError,
} from "../platform/errors.ts";
import { ImportFileError } from "../studies/import-parse.ts";

export type ActionResult<T = undefined> = { ok: true; value: T } | { ok: false; error: string };

/** Runs a server action body: user-facing errors become a message, forbidden/not-found become 403/404. */
export async function toResult<T>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    unstable_rethrow(e);
    if (e instanceof UserInputError || e instanceof ImportFileError) return { ok: false, error: e.message };
    if (isUnstorableText(e)) return { ok: false, error: UNSTORABLE_TEXT };
    const { forbidden, notFound } = await import("next/navigation");
    if (e instanceof ForbiddenError) forbidden();
    if (e instanceof NotFoundError) notFound();
    console.error(e);
    return { ok: false, error: "Something went wrong on the server; nothing was changed." };
  }
}
