import { ForbiddenError } from "../platform/errors.ts";
import type { Actor } from "./users.ts";

/** The single rule for who may administer studies. */
export function assertAdmin(actor: Actor | null | undefined): asserts actor is Actor {
  if (actor?.role !== "ADMIN") throw new ForbiddenError("Only study admins can do this.");
}
