import "server-only";
import { forbidden, notFound, unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { requireAdmin, requireUser, type SessionUser } from "../accounts/auth.ts";
import { asAppError, type Failure, failureOf } from "../platform/errors.ts";
import { type FieldLabels, parseInput } from "../platform/validation.ts";
import { formFields } from "./form-fields.ts";

export type ActionResult<T = undefined> = { ok: true; value: T } | Failure;

type Options<S extends z.ZodType> = {
  /** Who may call it: any signed-in user, or admins only (a rater gets the 403 page). */
  role: "user" | "admin";
  input: S;
  labels?: FieldLabels;
};
type Call<S extends z.ZodType> = { user: SessionUser; input: z.output<S> };

const signedIn = (role: Options<z.ZodType>["role"]) => (role === "admin" ? requireAdmin() : requireUser());

/**
 * Every server action a form posts (useActionState: the bound arguments, the previous state, the
 * form): the user and role checked, the form read once and checked by the schema, the outcome a
 * value; a missing row or a refused access shows Next's 404 or 403 page.
 */
export function formAction<S extends z.ZodType, A extends unknown[], R>(
  options: Options<S>,
  fn: (call: Call<S>, ...bound: A) => Promise<R>,
) {
  return async (...args: [...A, unknown, FormData]): Promise<ActionResult<R>> => {
    const user = await signedIn(options.role);
    const form = args.at(-1) as FormData;
    const bound = args.slice(0, -2) as A;
    try {
      const input = parseInput(options.input, await formFields(form), options.labels);
      return { ok: true, value: await fn({ user, input }, ...bound) };
    } catch (e) {
      unstable_rethrow(e);
      const status = asAppError(e)?.status;
      if (status === 403) forbidden();
      if (status === 404) notFound();
      return failureOf(e);
    }
  };
}

/**
 * A server action called with an object (the rating form's autosave): every failure comes back
 * as a value saying whether to retry, so the form keeps the answer until it is stored.
 */
export function callAction<S extends z.ZodType, R>(options: Options<S>, fn: (call: Call<S>) => Promise<R>) {
  return async (input: z.input<S>): Promise<ActionResult<R>> => {
    const user = await signedIn(options.role);
    try {
      return { ok: true, value: await fn({ user, input: parseInput(options.input, input, options.labels) }) };
    } catch (e) {
      unstable_rethrow(e);
      return failureOf(e);
    }
  };
}
