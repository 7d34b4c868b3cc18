import { z } from "zod";
import type { Db } from "./db.ts";
import { Role, type User } from "./generated/prisma/client.ts";
import { audit } from "./audit.ts";
import { isUniqueViolation, UserInputError } from "./errors.ts";
import { hashPassword, needsRehash, standInHash, verifyPassword } from "./passwords.ts";

export type Actor = Pick<User, "id" | "role">;

export const newUserInput = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address."),
  name: z.string().trim().max(120).default(""),
  role: z.enum(Role),
  password: z.string().min(10, "Passwords need at least 10 characters."),
});

export async function createUser(db: Db, actorId: string | null, input: z.input<typeof newUserInput>) {
  const parsed = newUserInput.safeParse(input);
  if (!parsed.success) throw new UserInputError(parsed.error.issues.map((i) => i.message).join(" "));
  const { email, name, role, password } = parsed.data;
  const passwordHash = await hashPassword(password);
  const exists = new UserInputError(`A user with email ${email} already exists.`);
  return db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email } })) throw exists;
    const user = await tx.user.create({ data: { email, name: name || email.split("@")[0], role, passwordHash } });
    await audit(tx, actorId, "user.create", "User", user.id, { email, role });
    return user;
  }).catch((e) => Promise.reject(isUniqueViolation(e) ? exists : e));
}

/**
 * Returns the user for valid credentials of an active account, else null (never says which part was wrong).
 * Unknown and deactivated accounts are checked against a real stand-in hash, so they take as long as a
 * wrong password. A correct password stored as bcrypt (or older scrypt parameters) is rehashed.
 */
export async function checkCredentials(db: Db, email: string, password: string) {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user || !user.active) {
    await verifyPassword(password, await standInHash());
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  if (needsRehash(user.passwordHash)) {
    // Only if the hash is still the one just verified (a password change in between wins).
    await db.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash: await hashPassword(password) } });
  }
  return user;
}
