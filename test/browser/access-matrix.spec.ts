import { expect, request as playwrightRequest, test, type APIRequestContext, type APIResponse } from "./fixtures.ts";
import { createRequire } from "node:module";
import { importCases } from "../../lib/studies/import.ts";
import { addLlamaSystem } from "../../lib/systems/systems.ts";
import { loadCase } from "../../lib/rating/rating.ts";
import { createStudy } from "../../lib/studies/studies.ts";
import { createUser } from "../../lib/accounts/users.ts";
import { CALLERS, MATRIX, type Answer, type Body, type Caller, type Fixture, type Row } from "./access-matrix.ts";
import { actionPage, appEntries, builtActions } from "./app-entries.ts";
import { login, seedStudy, testDb, user } from "./helpers.ts";
import { USERS } from "./users.ts";

const { encodeReply } = createRequire(import.meta.url)("next/dist/compiled/react-server-dom-turbopack/client.node") as {
  encodeReply: (v: unknown[]) => Promise<string | FormData>;
};

const SIGNED_IN: Record<Exclude<Caller, "out">, keyof typeof USERS> = {
  rater: "rater",
  other: "rater2",
  off: "deactivated",
  admin: "admin",
};

test("every page, route method and server action of app/ has exactly one line in the access matrix", () => {
  const listed = MATRIX.map((r) => r.entry);
  const inApp = appEntries();
  const built = [...builtActions().keys()];
  const problems = [
    ...[...new Set([...inApp, ...built])]
      .filter((e) => !listed.includes(e))
      .map(
        (e) =>
          `"${e}" is not in the access matrix: add a line for it to MATRIX in test/browser/access-matrix.ts, e.g.\n  ${template(e)}`,
      ),
    ...listed
      .filter((e) => !inApp.includes(e) && !built.includes(e))
      .map(
        (e) =>
          `"${e}" is in the access matrix but not in app/ any more: remove its line from test/browser/access-matrix.ts.`,
      ),
    ...listed.filter((e, i) => listed.indexOf(e) !== i).map((e) => `"${e}" has two lines in the access matrix.`),
  ];
  expect(problems, problems.join("\n")).toEqual([]);
});

// What people see, beyond the status codes the matrix checks.
test("a signed-out visitor lands on the login form; a rater sees the 403 page on admin pages", async ({ page }) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/login/);
  await login(page, "rater");
  for (const path of ["/admin", "/admin/users"]) {
    expect((await page.goto(path))?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { name: /403/ })).toBeVisible();
  }
});

test.describe("access matrix", () => {
  let fixture: Fixture;
  let baseURL: string;
  const callers = {} as Record<Caller, APIRequestContext>;

  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures a hook wants from this pattern; it wants none
  test.beforeAll(async ({}, info) => {
    test.setTimeout(120_000);
    baseURL = info.project.use.baseURL!;
    const db = testDb();
    const admin = await user("admin");
    const study = await seedStudy(`Matrix study ${Date.now()}`, ["rater", "rater2"]);
    const rater = await user("rater");
    const raterCase = await db.assignment.findFirstOrThrow({
      where: { raterId: rater.id, case: { studyId: study.id } },
      orderBy: { case: { position: "asc" } },
    });
    const view = await loadCase(db, rater.id, raterCase.id); // the rater has seen the case: its candidates have handles
    // A late case the retrieval system has no output for yet, so the admin's completion has work to do.
    await importCases(db, admin, study.id, {
      bytes: Buffer.from("uid,findings,impression\nmatrix-late,Clear lungs.,Normal chest.\n"),
      fileName: "late.csv",
      maxBytes: 1e6,
    });
    const genStudy = await createStudy(db, admin, { name: `Matrix generation ${Date.now()}` });
    const llama = await addLlamaSystem(db, admin, genStudy.id, {
      name: "Matrix model",
      model: "radiology-mini.gguf",
      adapters: [],
      template: "",
      settings: {},
    });
    fixture = {
      study: study.id,
      retrieval: (await db.system.findFirstOrThrow({ where: { studyId: study.id, kind: "RETRIEVAL" } })).id,
      raterCase: raterCase.id,
      raterHandle: view.candidates[0].handle,
      raterId: rater.id,
      otherId: (await user("rater2")).id,
      spareUserId: (
        await createUser(db, admin.id, {
          email: `matrix-spare-${Date.now()}@e2e.secondread`,
          name: "Matrix spare",
          role: "RATER",
          password: "matrix-spare-password",
        })
      ).id,
      genStudy: genStudy.id,
      llama: llama.id,
      session: "session",
    };

    callers.out = await playwrightRequest.newContext({ baseURL });
    await db.user.update({ where: { email: USERS.deactivated.email }, data: { active: true } }); // a rerun of beforeAll signs in again
    for (const [caller, who] of Object.entries(SIGNED_IN) as [Caller, keyof typeof USERS][])
      callers[caller] = await signIn(baseURL, who);
    // Deactivated after signing in: the cookie stays valid, the account does not.
    await db.user.update({ where: { email: USERS.deactivated.email }, data: { active: false } });
  });

  test.afterAll(async () => {
    for (const c of Object.values(callers)) await c.dispose();
  });

  for (const row of MATRIX) {
    test(row.entry, async () => {
      const problems: string[] = [];
      for (const caller of CALLERS) {
        const expected = row.answers[caller];
        const before = expected === 200 ? null : await fingerprint();
        const { got, detail } = await call(callers[caller], row, caller);
        if (process.env.MATRIX_DEBUG) console.log(row.entry, caller, got, detail);
        if (!matches(expected, got)) problems.push(`${caller}: expected ${expected}, got ${got} (${detail})`);
        if (before) {
          const changed = diff(before, await fingerprint());
          if (changed.length)
            problems.push(`${caller} was answered ${got} but changed the database: ${changed.join(", ")}`);
        }
      }
      expect(problems, `${row.entry} (${row.fill || "no segments"}):\n${problems.join("\n")}`).toEqual([]);
    });
  }

  async function call(ctx: APIRequestContext, row: Row, caller: Caller): Promise<{ got: string; detail: string }> {
    const [kind, target] = row.entry.split(" ");
    const body: Body | undefined = row.send?.(fixture, caller);
    if (kind === "ACTION") {
      const id = builtActions().get(row.entry);
      if (!id) throw new Error(`${row.entry}: not in .next/server/server-reference-manifest.json (rebuild?)`);
      const { headers, ...payload } = await actionBody(body);
      const res = await ctx.post(fill(actionPage(row.entry), row.fill), {
        headers: { "Next-Action": id, Accept: "text/x-component", Origin: baseURL, ...headers },
        maxRedirects: 0,
        ...payload,
      });
      const text = await res.text();
      return { got: answerOf(res, text), detail: `HTTP ${res.status()}: ${text.slice(0, 150)} … ${text.slice(-300)}` };
    }
    const method = kind === "PAGE" ? "GET" : kind;
    const headers: Record<string, string> = method === "GET" || method === "HEAD" ? {} : { Origin: baseURL };
    const res = await ctx.fetch(fill(target, row.fill), { method, headers, maxRedirects: 0, ...routeBody(body) });
    return { got: answerOf(res, ""), detail: `HTTP ${res.status()}: ${(await res.text()).slice(0, 300)}` };
  }

  function fill(pattern: string, spec: string): string {
    const values = Object.fromEntries(
      spec
        .split(/\s+/)
        .filter(Boolean)
        .map((p) => p.split("=")),
    );
    return pattern.replace(/\[(?:\.\.\.)?(\w+)\]/g, (_, seg: string) => {
      const key = values[seg] as keyof Fixture | undefined;
      if (!key) throw new Error(`${pattern}: say how to fill [${seg}] in the row's fill column, e.g. "${seg}=study".`);
      if (!(key in fixture))
        throw new Error(`${pattern}: no fixture named "${key}" (have: ${Object.keys(fixture).join(", ")}).`);
      return encodeURIComponent(fixture[key]);
    });
  }
});

/** A starting line for a missing entry: today's rules for an admin-only entry; edit to what it should answer. */
function template(entry: string) {
  const [kind, target] = entry.split(" ");
  const segments = [...(kind === "ACTION" ? "" : target).matchAll(/\[(?:\.\.\.)?(\w+)\]/g)]
    .map((m) => `${m[1]}=?`)
    .join(" ");
  const answers = kind === "PAGE" || kind === "ACTION" ? `"login", 403, 403, "login", 200` : "401, 403, 403, 401, 200";
  return `row("${entry}", "${segments}", ${answers}${kind === "PAGE" || kind === "GET" ? "" : ", SEND.?"}),`;
}

/** Signs in through next-auth's own endpoints, as the login form does; the context keeps the cookie. */
async function signIn(baseURL: string, who: keyof typeof USERS) {
  const ctx = await playwrightRequest.newContext({ baseURL });
  const { csrfToken } = await (await ctx.get("/api/auth/csrf")).json();
  await ctx.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: USERS[who].email, password: USERS[who].password, json: "true" },
    headers: { Origin: baseURL },
    maxRedirects: 0,
  });
  const cookies = (await ctx.storageState()).cookies.map((c) => c.name);
  if (!cookies.some((n) => n.endsWith("next-auth.session-token"))) throw new Error(`could not sign in as ${who}`);
  return ctx;
}

function routeBody(body: Body | undefined) {
  if (!body) return {};
  if ("json" in body) return { data: body.json };
  if ("multipart" in body) return { multipart: toFormData(body.multipart) };
  throw new Error("route handlers take json or multipart, not args");
}

/** Encodes action arguments with the React that Next bundles, exactly as the browser would. */
async function actionBody(
  body: Body | undefined,
): Promise<{ data?: string; multipart?: FormData; headers: Record<string, string> }> {
  if (!body || !("args" in body)) throw new Error("a server action's row needs send: SEND.x returning { args }");
  const args = body.args.map((a) =>
    a && typeof a === "object" && "form" in a ? toFormData(a.form as Record<string, string | string[]>) : a,
  );
  const encoded = await encodeReply(args);
  if (typeof encoded === "string") return { data: encoded, headers: { "Content-Type": "text/plain;charset=UTF-8" } };
  return { multipart: encoded, headers: {} };
}

function toFormData(fields: Record<string, string | string[] | { name: string; mimeType: string; buffer: Buffer }>) {
  const form = new FormData();
  for (const [name, v] of Object.entries(fields)) {
    if (typeof v === "string" || Array.isArray(v)) for (const one of [v].flat()) form.append(name, one);
    else form.append(name, new Blob([new Uint8Array(v.buffer)], { type: v.mimeType }), v.name);
  }
  return form;
}

function answerOf(res: APIResponse, text: string): string {
  const headers = res.headers();
  const to =
    headers["x-action-redirect"]?.split(";")[0] ??
    (res.status() >= 300 && res.status() < 400 ? headers.location : undefined);
  if (to) {
    const path = new URL(to, "http://x").pathname;
    return path === "/login" ? "login" : `→${path}`;
  }
  if (res.status() === 200 && /"ok":false/.test(text)) return "refused";
  return String(res.status());
}

function matches(expected: Answer, got: string) {
  return typeof expected === "string" && expected.startsWith("→") ? got.startsWith(expected) : String(expected) === got;
}

/**
 * Row count and a hash of every row, per table: any insert, update or delete shows. The sign-in
 * counters are left out: a refused password check is meant to count as a try.
 */
async function fingerprint(): Promise<Map<string, string>> {
  const db = testDb();
  const tables = await db.$queryRawUnsafe<{ t: string }[]>(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('_prisma_migrations', 'SignInThrottle')`,
  );
  const out = new Map<string, string>();
  for (const { t } of tables) {
    const [r] = await db.$queryRawUnsafe<{ n: number; h: string }[]>(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${t}" x`,
    );
    out.set(t, `${r.n} rows ${r.h.slice(0, 8)}`);
  }
  return out;
}

function diff(a: Map<string, string>, b: Map<string, string>) {
  return [...new Set([...a.keys(), ...b.keys()])]
    .filter((t) => a.get(t) !== b.get(t))
    .map((t) => `${t} ${a.get(t)} -> ${b.get(t)}`);
}
