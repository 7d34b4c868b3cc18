// The browser tests' database: fresh, migrated, with the accounts the specs sign in with.
import { createDb } from "../../lib/platform/db.ts";
import { migrate } from "../../lib/runtime/migrate.ts";
import { createUser } from "../../lib/accounts/users.ts";
import { createEmptyDatabase } from "../helpers/db.ts";
import { USERS } from "./users.ts";

export async function prepareE2eDatabase() {
  const empty = await createEmptyDatabase("e2e");
  await migrate(empty.url);
  const db = createDb(empty.url);
  for (const u of Object.values(USERS))
    await createUser(db, null, { email: u.email, name: u.name, role: u.role, password: u.password });
  await db.$disconnect();
  return empty;
}
