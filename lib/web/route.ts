import "server-only";
import type { z } from "zod";
import { assertAdmin } from "../accounts/access.ts";
import { currentUser, type SessionUser } from "../accounts/auth.ts";
import { parseMultipart, readBodyLimited, tooLarge } from "../platform/body-limit.ts";
import { env } from "../platform/env.ts";
import { errorResponse, UserInputError } from "../platform/errors.ts";
import { refuseBodyType, refuseCrossOrigin } from "../platform/same-origin.ts";
import { type FieldLabels, parseInput } from "../platform/validation.ts";
import { formFields } from "./form-fields.ts";

type Options = {
  /** Who may call it: any signed-in user, or admins only (403 for a rater). */
  role: "user" | "admin";
  /** What the body must be; none for GET. A multipart body may carry files up to IMPORT_MAX_BYTES. */
  body?: "json" | "multipart";
  labels?: FieldLabels;
  /** Limit of a JSON body. */
  maxJsonBytes?: number;
};

type Call<I> = { user: SessionUser; input: I; params: Record<string, string> };
type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Every route handler under app/api (test/unit/mutation-routes.test.ts checks): a state-changing
 * request must come from SecondRead's own origin and carry the declared body type, both checked
 * before anything is read; then the session, the role and the input; errors become their status.
 */
export function route<S extends z.ZodType>(
  options: Options & { input: S },
  handler: (call: Call<z.output<S>>) => Promise<Response>,
): RouteHandler;
/** A route without input (a GET of one study's export, say). */
export function route(options: Options, handler: (call: Call<undefined>) => Promise<Response>): RouteHandler;
export function route(
  options: Options & { input?: z.ZodType },
  handler: (call: Call<never>) => Promise<Response>,
): RouteHandler {
  return async (req, ctx) => {
    if (!SAFE.has(req.method)) {
      const refused = refuseCrossOrigin(req, env().NEXTAUTH_URL) ?? refuseBodyType(req, options.body ?? "json");
      if (refused) return refused;
    }
    const user = await currentUser();
    if (!user) return Response.json({ error: "Sign in first." }, { status: 401 });
    try {
      if (options.role === "admin") assertAdmin(user);
      const input = options.input
        ? parseInput(options.input, await readInput(req, options), options.labels)
        : undefined;
      // `never`: the overloads tie the input's type to the schema that made it.
      return await handler({ user, input: input as never, params: await ctx.params });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

async function readInput(req: Request, { body, maxJsonBytes = 256 * 1024 }: Options): Promise<unknown> {
  if (SAFE.has(req.method)) return Object.fromEntries(new URL(req.url).searchParams);
  if (body === "multipart") return formFields(await readForm(req, env().IMPORT_MAX_BYTES), env().IMPORT_MAX_BYTES);
  const bytes = await readBodyLimited(req, maxJsonBytes);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new UserInputError("The request body is not valid JSON; nothing was changed.");
  }
}

/**
 * Parses a multipart body, refusing one over the limit while it streams (with or without
 * Content-Length): at most the limit is ever held, and the rest is not read.
 */
async function readForm(req: Request, maxBytes: number): Promise<FormData> {
  // The other fields and the multipart framing come on top of the file.
  const body = await readBodyLimited(req, maxBytes + 1024 * 1024, () => tooLarge(maxBytes, "IMPORT_MAX_BYTES"));
  const contentType = req.headers.get("content-type") ?? "";
  try {
    return (
      parseMultipart(body, contentType) ??
      (await new Response(body as BodyInit, { headers: { "content-type": contentType } }).formData())
    );
  } catch {
    throw new UserInputError("The upload is not a readable form (multipart/form-data); nothing was changed.");
  }
}

/** For a handler that checks its own body and session (next-auth's): only the origin rule. */
export async function sameOrigin(req: Request, fn: () => Promise<Response>): Promise<Response> {
  return refuseCrossOrigin(req, env().NEXTAUTH_URL) ?? fn();
}
