import "server-only";
import { ForbiddenError, NotFoundError, UserInputError } from "./errors.ts";
import { ImportFileError } from "./import-parse.ts";

/** Maps domain errors to HTTP answers for route handlers; anything else is a 500 with no details. */
export function errorResponse(e: unknown): Response {
  if (e instanceof ForbiddenError) return Response.json({ error: e.message }, { status: 403 });
  if (e instanceof NotFoundError) return Response.json({ error: e.message }, { status: 404 });
  if (e instanceof UserInputError || e instanceof ImportFileError) return Response.json({ error: e.message }, { status: 400 });
  console.error(e);
  return Response.json({ error: "Something went wrong on the server; nothing was changed." }, { status: 500 });
}
