// Account life cycle after creation: deactivation, password resets by an admin, password changes
// by the user. Each bumps the user's session version, which ends every session they hold (lib/accounts/sessions.ts).
import { z } from "zod";
import type { Db } from "../platform/db.ts";
import { assertAdmin } from "./access.ts";
import { audit } from "../platform/audit.ts";
import { ForbiddenError, NotFoundError, UserInputError } from "../platform/errors.ts";
import { parseInput } from "../platform/validation.ts";
import { generatePassword, hashPassword, verifyPassword } from "./passwords.ts";
import { limitedMessage } from "./sign-in-messages.ts";
import { limitedSignIn, SignInLimited } from "./sign-in-throttle.ts";
import { ACCOUNT_LABELS, PASSWORD_MAX, passwordRule, type Actor } from "./users.ts";

/**
 * Deactivates or reactivates a user. Only an active admin may, and not themself: so the last active
 * admin can never be deactivated (whoever tries is either that admin or not an active admin).
 */
export async function setUserActive(db: Db, actor: Actor, userId: string, active: boolean) {
  assertAdmin(actor);
  if (!active && userId === actor.id)
    throw new UserInputError("You cannot deactivate your own account; another study admin can.");
  return db.$transaction(async (tx) => {
    // Locking every active admin serializes concurrent deactivations, so two admins deactivating
    // each other at once cannot leave the study with none.
    const admins = await tx.$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "User" WHERE "role" = 'ADMIN' AND "active" ORDER BY "id" FOR UPDATE`;
    if (!admins.some((a) => a.id === actor.id))
      throw new ForbiddenError("Your account is no longer an active study admin.");
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, active: true } });
    if (!user) throw new NotFoundError("No such user.");
    if (user.active === active) return { email: user.email, active };
    await tx.user.update({ where: { id: user.id }, data: { active, sessionVersion: { increment: 1 } } });
    await audit(tx, actor.id, active ? "user.reactivate" : "user.deactivate", "User", user.id, { email: user.email });
    return { email: user.email, active };
  });
}

/**
 * Gives a user a new password (generated unless given) and ends their sessions; returns it to be
 * shown once. `actor` null is the operator on the server (scripts/user-create.ts --reset-password).
 */
export async function resetPassword(
  db: Db,
  actor: Actor | null,
  who: { id: string } | { email: string },
  password = generatePassword(),
) {
  if (actor) assertAdmin(actor);
  parseInput(z.object({ password: passwordRule }), { password }, ACCOUNT_LABELS);
  const where = "id" in who ? { id: who.id } : { email: who.email.trim().toLowerCase() };
  const user = await db.user.findUnique({ where, select: { id: true, email: true } });
  if (!user) throw new NotFoundError("email" in who ? `No user has the email ${where.email}.` : "No such user.");
  if (actor && user.id === actor.id)
    throw new UserInputError("Change your own password on the Account page (it asks for your current one).");
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, sessionVersion: { increment: 1 } } });
    await audit(tx, actor?.id ?? null, "user.password-reset", "User", user.id, { email: user.email });
  });
  return { email: user.email, password };
}

const passwordChangeInput = z
  .object({
    currentPassword: z
      .string({ error: "required." })
      .min(1, "required.")
      .max(PASSWORD_MAX, "that is not your current password."),
    newPassword: passwordRule,
    repeatPassword: z.string({ error: "required." }),
  })
  .refine((v) => v.repeatPassword === v.newPassword, {
    path: ["repeatPassword"],
    message: "the two new passwords differ.",
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    message: "must differ from the current password.",
  });

/**
 * A signed-in user changes their own password (the current one is required). Every session of
 * theirs ends; the caller re-issues the current one with the returned version.
 */
/**
 * `address` is the client's (lib/platform/client-address.ts): the current-password check counts against the
 * same limits as signing in, so a borrowed session cannot be used to guess the password.
 */
export async function changeOwnPassword(
  db: Db,
  actor: Actor,
  input: { currentPassword: unknown; newPassword: unknown; repeatPassword: unknown },
  address: string,
) {
  const given = parseInput(passwordChangeInput, input, ACCOUNT_LABELS);
  const user = await db.user.findUnique({
    where: { id: actor.id },
    select: { id: true, email: true, passwordHash: true, active: true },
  });
  if (!user?.active) throw new ForbiddenError("Your account is not active.");
  const checked = await limitedSignIn(db, { email: user.email, address }, async () =>
    (await verifyPassword(given.currentPassword, user.passwordHash)) ? user : null,
  ).catch((e) =>
    Promise.reject(
      e instanceof SignInLimited
        ? new UserInputError(
            `Current password: ${limitedMessage(e.scope, e.retryAfterSeconds).replace("sign-in attempts", "wrong passwords")}`,
          )
        : e,
    ),
  );
  if (!checked) throw new UserInputError("Current password: that is not your current password.");
  const passwordHash = await hashPassword(given.newPassword);
  return db.$transaction(async (tx) => {
    // Guarded by the old hash: of two changes racing from two sessions, only the first lands.
    const { count } = await tx.user.updateMany({
      where: { id: user.id, passwordHash: user.passwordHash },
      data: { passwordHash, sessionVersion: { increment: 1 } },
    });
    if (count !== 1)
      throw new UserInputError("Current password: your password was changed meanwhile; nothing was changed now.");
    await audit(tx, actor.id, "user.password-change", "User", user.id, {});
    const { sessionVersion } = await tx.user.findUniqueOrThrow({
      where: { id: user.id },
      select: { sessionVersion: true },
    });
    return { sessionVersion, email: user.email };
  });
}

/** Every account, admins first, for the Users page. */
export async function listUsers(db: Db, actor: Actor) {
  assertAdmin(actor);
  return db.user.findMany({
    orderBy: [{ role: "asc" }, { email: "asc" }],
    select: { id: true, email: true, name: true, role: true, active: true, createdAt: true },
  });
}

/** The rater accounts that can be given cases, for a study's raters panel. */
export async function listActiveRaters(db: Db, actor: Actor) {
  assertAdmin(actor);
  return db.user.findMany({
    where: { role: "RATER", active: true },
    orderBy: { email: "asc" },
    select: { id: true, email: true, name: true },
  });
}
