import { z } from "zod";
import type { Db } from "../platform/db.ts";
import { Role, type User } from "../generated/prisma/client.ts";
import { audit } from "../platform/audit.ts";
import { isUniqueViolation, UserInputError } from "../platform/errors.ts";
import { parseInput, type FieldLabels } from "../platform/validation.ts";
import { hashPassword, needsRehash, standInHash, verifyPassword } from "./passwords.ts";

export type Actor = Pick<User, "id" | "role">;

// Control characters (NUL above all: PostgreSQL refuses it in text) have no place in a name.
const CONTROL = /\p{Cc}/u;
const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 1000;
// The longest address SMTP can deliver to (RFC 5321).
export const EMAIL_MAX = 254;

export const passwordRule = z
  .string({ error: "required." })
  .min(PASSWORD_MIN, `at least ${PASSWORD_MIN} characters, please.`)
  .max(PASSWORD_MAX, `at most ${PASSWORD_MAX.toLocaleString("en")} characters, please.`);

const newUserInput = z.object({
  // Checked before the format, so a huge value gets a short answer.
  email: z
    .string({ error: "required." })
    .trim()
    .max(EMAIL_MAX, `at most ${EMAIL_MAX} characters, please.`)
    .toLowerCase()
    .pipe(z.email("enter a valid email address.")),
  name: z
    .string({ error: "must be text." })
    .trim()
    .max(120, "at most 120 characters, please.")
    .refine((s) => !CONTROL.test(s), "control characters (such as NUL, tab or line breaks) are not allowed.")
    .default(""),
  role: z.enum(Role, { error: "must be ADMIN (study admin) or RATER." }),
  password: passwordRule,
});

/** How the account forms name their fields in error messages. */
export const ACCOUNT_LABELS: FieldLabels = {
  email: "Email",
  name: "Name",
  role: "Role",
  password: "Password",
  currentPassword: "Current password",
  newPassword: "New password",
  repeatPassword: "Repeat new password",
};

/** Raw input from a form or the CLI: everything is checked here, role included. */
type NewUserInput = { email: string; name?: string; role: string; password: string };

export async function createUser(db: Db, actorId: string | null, input: NewUserInput) {
  const { email, name, role, password } = parseInput(newUserInput, input, ACCOUNT_LABELS);
  const passwordHash = await hashPassword(password);
  const exists = new UserInputError(`Email: a user with email ${email} already exists.`);
  return db
    .$transaction(async (tx) => {
      if (await tx.user.findUnique({ where: { email } })) throw exists;
      const user = await tx.user.create({ data: { email, name: name || email.split("@")[0], role, passwordHash } });
      await audit(tx, actorId, "user.create", "User", user.id, { email, role });
      return user;
    })
    .catch((e) => Promise.reject(isUniqueViolation(e) ? exists : e));
}

/**
 * Returns the user for valid credentials of an active account, else null (never says which part was wrong).
 * Unknown and deactivated accounts are checked against a real stand-in hash, so they take as long as a
 * wrong password. A correct password stored as bcrypt (or older scrypt parameters) is rehashed.
 */
export async function checkCredentials(db: Db, email: string, password: string) {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user?.active) {
    await verifyPassword(password, await standInHash());
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  if (needsRehash(user.passwordHash)) {
    // Only if the hash is still the one just verified (a password change in between wins).
    await db.user.updateMany({
      where: { id: user.id, passwordHash: user.passwordHash },
      data: { passwordHash: await hashPassword(password) },
    });
  }
  return user;
}
