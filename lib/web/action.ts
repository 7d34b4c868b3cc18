import "server-only";
import { forbidden, notFound, unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { requireAdmin, requireUser, type SessionUser } from "../accounts/auth.ts";
import { asAppError, type Failure, failureOf, UserInputError } from "../platform/errors.ts";
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
// With arguments the page binds (a study's id, say), checked too: any client can call an action with any.
export function formAction<S extends z.ZodType, A extends unknown[], R>(
  options: Options<S> & { bound: z.ZodType<A> },
  fn: (call: Call<S>, ...bound: A) => Promise<R>,
): (...args: [...A, unknown, FormData]) => Promise<ActionResult<R>>;
/** Without bound arguments. */
export function formAction<S extends z.ZodType, R>(
  options: Options<S>,
  fn: (call: Call<S>) => Promise<R>,
): (previous: unknown, form: FormData) => Promise<ActionResult<R>>;
export function formAction<S extends z.ZodType, R>(
  options: Options<S> & { bound?: z.ZodType<unknown[]> },
  fn: (call: Call<S>, ...bound: unknown[]) => Promise<R>,
) {
  return async (...args: unknown[]): Promise<ActionResult<R>> => {
    const user = await signedIn(options.role);
    try {
      const form = args.at(-1);
      const given = args.slice(0, -2);
      if (!(form instanceof FormData) || (!options.bound && given.length > 0))
        throw new UserInputError("The form did not arrive as it was sent; nothing was changed.");
      const bound = options.bound ? parseInput(options.bound, given) : [];
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
