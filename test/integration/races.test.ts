// Two requests creating the same thing at once: one wins, the other gets the clear message.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { UserInputError } from "../../lib/platform/errors.ts";
import { createStudy } from "../../lib/studies/studies.ts";
import { createUser } from "../../lib/accounts/users.ts";
import { freshDb, type TestDb } from "../helpers/db.ts";
import { makeUser } from "../helpers/fixtures.ts";

let t: TestDb;
before(async () => (t = await freshDb()));
after(() => t.close());

test("a study or an account created twice at once: one is made, the other is told it exists", async () => {
  const admin = await makeUser(t.db, "ADMIN");
  const studies = await Promise.allSettled(
    Array.from({ length: 4 }, () => createStudy(t.db, admin, { name: "Twice" })),
  );
  assert.equal(studies.filter((r) => r.status === "fulfilled").length, 1);
  for (const r of studies.filter((r) => r.status === "rejected"))
    assert.ok(r.reason instanceof UserInputError && /already exists/.test(r.reason.message), String(r.reason));
  const users = await Promise.allSettled(
    Array.from({ length: 4 }, () =>
      createUser(t.db, admin.id, { email: "same@example.org", role: "RATER", password: "long enough password" }),
    ),
  );
  assert.equal(users.filter((r) => r.status === "fulfilled").length, 1);
  for (const r of users.filter((r) => r.status === "rejected"))
    assert.ok(r.reason instanceof UserInputError && /already exists/.test(r.reason.message), String(r.reason));
});
