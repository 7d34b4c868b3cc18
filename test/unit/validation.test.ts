// The one input check (lib/platform/validation.ts): every message names its field.
import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { UserInputError } from "../../lib/platform/errors.ts";
import { many, optionalText, parseInput } from "../../lib/platform/validation.ts";

const schema = z.object({
  email: z.string().email("enter a valid email address."),
  scores: z.object({ clarity: z.number().int("a whole number.") }),
  role: z.enum(["ADMIN", "RATER"], { error: "must be ADMIN or RATER." }),
});

test("a failure names each field: by its label, else by its path; a bare value by its message alone", () => {
  const bad = { email: "x", scores: { clarity: 2.5 }, role: "boss" };
  assert.throws(
    () => parseInput(schema, bad, { email: "Email" }),
    (e) =>
      e instanceof UserInputError &&
      e.message === "Email: enter a valid email address. scores.clarity: a whole number. role: must be ADMIN or RATER.",
  );
  assert.throws(
    () => parseInput(z.string().min(1, "Give the system a name."), ""),
    (e) => e instanceof UserInputError && e.message === "Give the system a name.",
  );
  assert.deepEqual(parseInput(schema, { email: "a@b.org", scores: { clarity: 3 }, role: "RATER" }), {
    email: "a@b.org",
    scores: { clarity: 3 },
    role: "RATER",
  });
});

test("form helpers: a repeated field is always a list, an empty text is not given", () => {
  const form = z.object({ id: many(z.string()), note: optionalText });
  assert.deepEqual(parseInput(form, {}), { id: [] });
  assert.equal(parseInput(form, { id: "a", note: "" }).note, undefined);
  assert.deepEqual(parseInput(form, { id: "a", note: "" }).id, ["a"]);
  assert.deepEqual(parseInput(form, { id: ["a", "b"], note: "n" }), { id: ["a", "b"], note: "n" });
});
