import type { Db } from "../platform/db.ts";
import type { Actor } from "./users.ts";

export type SessionUser = Actor & { email: string; name: string };

/** What a session token carries about its user: the id (`sub`) and the user's session version when issued (`sv`). */
type SessionClaims = { sub?: unknown; sv?: unknown };

/**
 * The user a session token stands for, or null when the session is over: the user is gone or
 * deactivated, or their session version moved on (sign-out, deactivation, password change) since
 * the token was issued. Tokens without a version (issued before versions existed) are over too.
 */
export async function sessionUser(db: Db, claims: SessionClaims | null | undefined): Promise<SessionUser | null> {
  if (typeof claims?.sub !== "string" || typeof claims.sv !== "number") return null;
  const user = await db.user.findUnique({
    where: { id: claims.sub },
    select: { id: true, role: true, email: true, name: true, active: true, sessionVersion: true },
  });
  if (!user?.active || user.sessionVersion !== claims.sv) return null;
  return { id: user.id, role: user.role, email: user.email, name: user.name };
}

/** The version a new session of this user gets, or null when the user may not have one. */
export async function sessionVersionForSignIn(
  db: Db,
  userId: string,
  checkedVersion: number | undefined,
): Promise<number | null> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { active: true, sessionVersion: true } });
  // A password change, reset, deactivation or sign-out everywhere during the (slow) password check
  // moved the version on: the old password must not open a session under the new version.
  return user?.active && user.sessionVersion === checkedVersion ? user.sessionVersion : null;
}

/**
 * Sign-out ends every session of the user, not only this browser's cookie (which a copy may outlive).
 * Only a still-valid token can do it, so replaying an ended cookie changes nothing.
 */
export async function endSessions(db: Db, claims: SessionClaims): Promise<boolean> {
  if (typeof claims.sub !== "string" || typeof claims.sv !== "number") return false;
  const { count } = await db.user.updateMany({
    where: { id: claims.sub, sessionVersion: claims.sv },
    data: { sessionVersion: { increment: 1 } },
  });
  return count === 1;
}
