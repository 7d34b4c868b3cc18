// Password hashes (lib/accounts/passwords.ts) against hashes made by Python's hashlib.scrypt
// (test/fixtures/oracles/make_passwords.py): the stored form is read exactly, stored parameters are
// used, a hash with other parameters asks to be redone, and anything malformed is a plain "no".
import { test } from "node:test";
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { generatePassword, hashPassword, needsRehash, verifyPassword } from "../../lib/accounts/passwords.ts";
import { oracle } from "../helpers/oracles.ts";

const o = oracle("passwords.json");

test("hashes made elsewhere verify with their own parameters; a wrong password does not", async () => {
  for (const name of ["today", "other_n", "other_r", "other_p", "two_digit_p", "four_times_memory"]) {
    assert.equal(await verifyPassword(o.password, o[name]), true, name);
  }
  assert.equal(await verifyPassword("correct horse battery!", o.today), false);
  assert.equal(await verifyPassword(o.nfc.typed, o.nfc.hash), true, "the password is compared in NFC");
});

test("only a hash with other parameters than today's (or bcrypt) needs redoing", async () => {
  assert.equal(needsRehash(o.today), false);
  assert.equal(needsRehash(await hashPassword("x")), false);
  for (const name of ["other_n", "other_r", "other_p", "two_digit_p"]) assert.equal(needsRehash(o[name]), true, name);
  assert.equal(needsRehash(bcrypt.hashSync("x", 4)), true);
  assert.match(await hashPassword("x"), /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
});

test("anything that is not exactly a stored hash is a plain no, never an error", async () => {
  const malformed = [
    `x${o.today}`,
    `${o.today}!`,
    `${o.today}$extra`,
    o.today.replace(/\$[^$]+$/, () => `$${Buffer.alloc(31).toString("base64")}`), // a 31-byte key
    o.today.replace("scrypt$", () => "scrypt$$"),
    "",
    "not a hash",
    `x${bcrypt.hashSync("correct horse battery", 4)}`,
  ];
  for (const hash of malformed) {
    assert.equal(await verifyPassword(o.password, hash), false, hash);
    if (!hash.startsWith("scrypt$32768$8$1$")) assert.equal(needsRehash(hash), true, hash);
  }
  assert.equal(await verifyPassword("correct horse battery", bcrypt.hashSync("correct horse battery", 4)), true);
});

test("generated passwords: 16 characters from the unambiguous alphabet", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const p = generatePassword();
    assert.match(p, /^[a-km-np-zA-HJ-NP-Z2-9]{16}$/);
    for (const ch of p) seen.add(ch);
  }
  assert.ok(seen.size > 40, `${seen.size} distinct characters`);
});
