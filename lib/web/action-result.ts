import { unstable_rethrow } from "next/navigation";
import { asAppError, SERVER_FAULT } from "../platform/errors.ts";

export type ActionResult<T = undefined> = { ok: true; value: T } | { ok: false; error: string };

/** Runs a server action body: a user's error becomes its message, 403/404 Next's forbidden/not-found pages. */
export async function toResult<T>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    unstable_rethrow(e);
    const known = asAppError(e);
    if (known?.status === 403 || known?.status === 404) {
      const { forbidden, notFound } = await import("next/navigation");
      if (known.status === 403) forbidden();
      notFound();
    }
    if (known) return { ok: false, error: known.message };
    console.error(e);
    return { ok: false, error: SERVER_FAULT };
  }
}
