import bcrypt from "bcryptjs";
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { availableParallelism } from "node:os";

// Node's own scrypt: memory-hard, no 72-byte cut like bcrypt, and the async form runs on libuv's
// thread pool, so hashing never blocks the web server's JavaScript thread (bcryptjs did, ~460 ms a try).
// Stored as "scrypt$N$r$p$salt$hash" (base64), so the parameters can be raised later: hashes made with
// other parameters (or bcrypt) are upgraded at the next successful sign-in (needsRehash).
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const; // 32 MiB, ~100-200 ms on one core
const KEY_BYTES = 32;

// At most half the cores hash at once (the rest queue here, holding nothing): a flood of sign-ins then
// leaves CPU for the JavaScript thread, and libuv pool threads for the file reads pages need.
const MAX_HASHING = Math.max(1, Math.floor(availableParallelism() / 2));
let hashing = 0;
const queue: (() => void)[] = [];

async function scryptAsync(plain: string, salt: Buffer, o: { N: number; r: number; p: number }) {
  if (hashing < MAX_HASHING) hashing++;
  else await new Promise<void>((resolve) => queue.push(resolve)); // the slot is handed over, see below
  try {
    // maxmem must exceed 128*N*r; leave room for the parameters of stored hashes up to 4x today's.
    const options: ScryptOptions = { ...o, maxmem: 4 * 128 * PARAMS.N * PARAMS.r + 1024 * 1024 };
    return await new Promise<Buffer>((resolve, reject) =>
      scrypt(plain.normalize("NFC"), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))),
    );
  } finally {
    const next = queue.shift();
    if (next) next();
    else hashing--;
  }
}

function parseScrypt(hash: string) {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(hash);
  if (!m) return null;
  return {
    N: Number(m[1]),
    r: Number(m[2]),
    p: Number(m[3]),
    salt: Buffer.from(m[4], "base64"),
    key: Buffer.from(m[5], "base64"),
  };
}

export async function hashPassword(plain: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(plain, salt, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Checks a password against a scrypt hash, or a bcrypt hash from before scrypt. False for anything malformed. */
export async function verifyPassword(plain: string, hash: string): Promise<boolean> {
  const s = parseScrypt(hash);
  if (s) {
    if (s.key.length !== KEY_BYTES) return false;
    const key = await scryptAsync(plain, s.salt, s);
    return timingSafeEqual(key, s.key);
  }
  if (/^\$2[aby]\$\d\d\$/.test(hash)) return bcrypt.compare(plain, hash);
  return false;
}

/** True when a (verified) hash is bcrypt or scrypt with other parameters than today's. */
export function needsRehash(hash: string): boolean {
  const s = parseScrypt(hash);
  return !s || s.N !== PARAMS.N || s.r !== PARAMS.r || s.p !== PARAMS.p;
}

let standIn: Promise<string> | null = null;
/**
 * A real hash, made once per process with today's parameters, to check passwords against when the
 * account is unknown or deactivated: the same work as for a real account, so timing tells nothing.
 */
export function standInHash(): Promise<string> {
  standIn ??= hashPassword(randomBytes(16).toString("base64"));
  return standIn;
}

/** 16 characters from an unambiguous alphabet: easy to read aloud, ~90 bits. */
export function generatePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join("");
}
