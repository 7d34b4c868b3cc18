// Sign-in limits per account and per client address, counted in PostgreSQL so that every web process
// shares them. Each try is charged before the password is checked (so ten tries at once cannot all
// slip under the limit) and given back when it succeeds: a success clears the account's failures and
// returns the address's try. After `limit` failures a key is locked for `backoff`, doubling with each
// further failure up to `backoffMax`, so an attacker can delay a real user by at most that long.
import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import type { Db } from "../platform/db.ts";
import { type Env, env as settings } from "../platform/env.ts";
import { limitedCode, type LimitScope } from "./sign-in-messages.ts";

type LimitRule = { limit: number; backoffMs: number; backoffMaxMs: number; windowMs: number };
export type LimitSettings = Record<LimitScope, LimitRule>;

export function limitSettings(env: Env = settings()): LimitSettings {
  const rule = (limit: number): LimitRule => ({
    limit,
    backoffMs: env.SECONDREAD_SIGNIN_BACKOFF_SECONDS * 1000,
    backoffMaxMs: Math.max(env.SECONDREAD_SIGNIN_BACKOFF_MAX_SECONDS, env.SECONDREAD_SIGNIN_BACKOFF_SECONDS) * 1000,
    windowMs: env.SECONDREAD_SIGNIN_WINDOW_SECONDS * 1000,
  });
  return { account: rule(env.SECONDREAD_SIGNIN_ACCOUNT_LIMIT), address: rule(env.SECONDREAD_SIGNIN_ADDRESS_LIMIT) };
}

export class SignInLimited extends Error {
  constructor(
    readonly scope: LimitScope,
    readonly retryAfterSeconds: number,
  ) {
    super(limitedCode(scope, retryAfterSeconds));
  }
}

type SignInFrom = { email: string; address: string };

// Emails are stored hashed: people type passwords into the email field.
const accountKey = (email: string) =>
  `account:${createHash("sha256").update(email.trim().toLowerCase()).digest("hex")}`;
const addressKey = (address: string) => `address:${address.slice(0, 100)}`;

/** How long a key is locked after its `failures`-th failure in a row (0: not locked). */
function lockMs(rule: LimitRule, failures: number): number {
  if (failures < rule.limit) return 0;
  return Math.min(rule.backoffMaxMs, rule.backoffMs * 2 ** Math.min(failures - rule.limit, 30));
}

/** Share of tries that also forget idle keys (unknown emails would otherwise pile up). */
const HOUSEKEEPING_SHARE = 0.02;

/**
 * Charges one try to the account and the address, or throws SignInLimited (charging nothing) if either is locked.
 * `random` decides whether this try also does the housekeeping (tests pass a fixed one).
 */
export async function chargeSignIn(
  db: Db,
  from: SignInFrom,
  settings: LimitSettings,
  now = new Date(),
  random = Math.random,
): Promise<void> {
  // The account first: on a tie of waits, the answer names the account. (The SQL below locks rows in key order.)
  const keys: [string, LimitScope][] = [
    [accountKey(from.email), "account"],
    [addressKey(from.address), "address"],
  ];
  const names = keys.map(([k]) => k);
  const refusal = (rows: { key: string; lockedUntil: Date | null }[]) => {
    let refused: SignInLimited | null = null;
    for (const [key, scope] of keys) {
      const until = rows.find((r) => r.key === key)?.lockedUntil;
      const seconds = until ? Math.ceil((until.getTime() - now.getTime()) / 1000) : 0;
      if (seconds > 0 && (!refused || seconds > refused.retryAfterSeconds)) refused = new SignInLimited(scope, seconds);
    }
    return refused;
  };
  // A flood mostly meets a lock: refuse it with one read, without a transaction or a row lock.
  const early = refusal(
    await db.signInThrottle.findMany({
      where: { key: { in: names }, lockedUntil: { gt: now } },
      select: { key: true, lockedUntil: true },
    }),
  );
  if (early) throw early;
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO "SignInThrottle" ("key", "failures") SELECT k, 0 FROM unnest(${names}::text[]) AS k ON CONFLICT DO NOTHING`;
    await tx.$executeRaw`SELECT 1 FROM "SignInThrottle" WHERE "key" = ANY(${names}::text[]) ORDER BY "key" FOR UPDATE`;
    const found = await tx.signInThrottle.findMany({ where: { key: { in: names } } });
    const refused = refusal(found);
    if (refused) throw refused;
    const rows = new Map(found.map((r) => [r.key, r]));
    for (const [key, scope] of keys) {
      const row = rows.get(key)!;
      const rule = settings[scope];
      const failures = (now.getTime() - row.lastFailureAt.getTime() > rule.windowMs ? 0 : row.failures) + 1;
      const lock = lockMs(rule, failures);
      await tx.signInThrottle.update({
        where: { key },
        data: { failures, lastFailureAt: now, lockedUntil: lock ? new Date(now.getTime() + lock) : null },
      });
    }
  });
  if (random() < HOUSEKEEPING_SHARE) await forgetIdleKeys(db, settings, now);
}

/** Deletes keys whose last failure is older than every window and every lock: they count for nothing. */
export async function forgetIdleKeys(db: Db, settings: LimitSettings, now: Date): Promise<number> {
  const idle = Math.max(
    settings.account.windowMs,
    settings.address.windowMs,
    settings.account.backoffMaxMs,
    settings.address.backoffMaxMs,
  );
  const { count } = await db.signInThrottle.deleteMany({
    where: { lastFailureAt: { lt: new Date(now.getTime() - idle) } },
  });
  return count;
}

/** After a successful sign-in: the account starts afresh, and the address gets its try back. */
async function signInSucceeded(db: Db, from: SignInFrom, settings: LimitSettings): Promise<void> {
  await db.signInThrottle.deleteMany({ where: { key: accountKey(from.email) } });
  await db.$executeRaw`UPDATE "SignInThrottle" SET "failures" = GREATEST("failures" - 1, 0),
    "lockedUntil" = CASE WHEN "failures" - 1 < ${settings.address.limit} THEN NULL ELSE "lockedUntil" END
    WHERE "key" = ${addressKey(from.address)}`;
}

/** Runs `check` (the password check) within the limits: throws SignInLimited instead when they are reached. */
export async function limitedSignIn<T>(
  db: Db,
  from: SignInFrom,
  check: () => Promise<T | null>,
  settings = limitSettings(),
): Promise<T | null> {
  await chargeSignIn(db, from, settings);
  const user = await check();
  if (user) await signInSucceeded(db, from, settings);
  return user;
}

// However cheap a refused try is, ten of them at a time would still take most of the JavaScript thread
// from everyone else: this process answers at most SLOTS sign-in requests at once (half the cores, as
// for hashing), the rest wait in line (holding only their socket), and past QUEUE_MAX waiting, a request
// is turned away at once.
const SLOTS = Math.max(1, Math.floor(availableParallelism() / 2));
const QUEUE_MAX = 100;
let busy = 0;
const line: (() => void)[] = [];

export class SignInBusy extends Error {
  constructor() {
    super("Too many sign-ins at once; try again in a few seconds.");
  }
}

export async function inSignInLine<T>(fn: () => Promise<T>): Promise<T> {
  if (busy < SLOTS) busy++;
  else if (line.length >= QUEUE_MAX) throw new SignInBusy();
  else await new Promise<void>((resolve) => line.push(resolve)); // the slot is handed over, see below
  try {
    return await fn();
  } finally {
    const next = line.shift();
    if (next) next();
    else busy--;
  }
}
