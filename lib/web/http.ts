import "server-only";
import { currentUser, type SessionUser } from "../accounts/auth.ts";
import { errorResponse, UserInputError } from "../platform/errors.ts";
import { parseMultipart, readBodyLimited, tooLarge } from "../platform/body-limit.ts";
import { env } from "../platform/env.ts";
import { refuseBodyType, refuseCrossOrigin, type BodyKind } from "../platform/same-origin.ts";

/** A route handler body run for a signed-in user; errors become their status (lib/platform/errors.ts). */
export async function withUser(fn: (user: SessionUser) => Promise<Response>): Promise<Response> {
  const user = await currentUser();
  if (!user) return Response.json({ error: "Sign in first." }, { status: 401 });
  try {
    return await fn(user);
  } catch (e) {
    return errorResponse(e);
  }
}

/**
 * The body of every state-changing route handler (test/unit/mutation-routes.test.ts checks):
 * 403 unless the request comes from SecondRead's own origin, 415 unless its body is `body`,
 * both before anything is read; then as withUser.
 */
export async function mutation(
  req: Request,
  body: BodyKind,
  fn: (user: SessionUser) => Promise<Response>,
): Promise<Response> {
  return refuseCrossOrigin(req, env().NEXTAUTH_URL) ?? refuseBodyType(req, body) ?? withUser(fn);
}

/** For a handler that checks its own body and session (next-auth's): only the origin rule. */
export async function sameOrigin(req: Request, fn: () => Promise<Response>): Promise<Response> {
  return refuseCrossOrigin(req, env().NEXTAUTH_URL) ?? fn();
}

/**
 * Parses a multipart body, refusing one over the limit while it streams (with or without
 * Content-Length): at most the limit is ever held, and the rest is not read.
 */
export async function readForm(req: Request, maxBytes: number): Promise<FormData> {
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

/** Reads an uploaded file from a multipart form, refusing anything over the limit. */
export async function fileField(form: FormData, name: string, maxBytes: number) {
  const file = form.get(name);
  if (!(file instanceof File) || file.size === 0)
    throw new UserInputError("Choose a file to upload (it is missing or empty).");
  if (file.size > maxBytes)
    throw new UserInputError(
      `The file is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${(maxBytes / 1048576).toFixed(0)} MB (the setting IMPORT_MAX_BYTES).`,
    );
  return { bytes: new Uint8Array(await file.arrayBuffer()), fileName: file.name, maxBytes };
}
