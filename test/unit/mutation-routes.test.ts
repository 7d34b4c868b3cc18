// A new route handler cannot forget the session, the role, the input schema or the same-origin rule:
// every handler a route.ts under app/ exports must be made by route() (lib/web/route.ts), except
// next-auth's, which checks its own session and hands the request to sameOrigin() first.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

const APP = path.resolve(import.meta.dirname, "..", "..", "app");
const MUTATING = ["POST", "PUT", "PATCH", "DELETE"];
const METHODS = ["GET", "HEAD", ...MUTATING];
/** next-auth's own GET (session, CSRF token, providers): no SecondRead session or input to check. */
const EXEMPT: Record<string, string[]> = { [path.join("api", "auth", "[...nextauth]", "route.ts")]: ["GET"] };

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : /^route\.(ts|tsx|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** The problems with one route file's exported handlers. */
function uncheckedHandlers(source: string, exempt: string[] = []): string[] {
  const problems: string[] = [];
  for (const method of METHODS.filter((m) => !exempt.includes(m))) {
    const viaRoute = new RegExp(`export\\s+const\\s+${method}\\s*=\\s*route\\(`);
    const viaSameOrigin = new RegExp(
      `export\\s+async\\s+function\\s+${method}\\s*\\((\\w+)[^)]*\\)[^{]*\\{\\s*return\\s+sameOrigin\\(\\s*(\\w+)\\s*,`,
    );
    const exports = [
      new RegExp(`export\\s+(async\\s+)?function\\s+${method}\\b`, "g"),
      new RegExp(`export\\s+(const|let|var)\\s+${method}\\b`, "g"),
      new RegExp(`export\\s*\\{[^}]*\\b${method}\\b[^}]*\\}`, "g"),
    ];
    const count = exports.reduce((n, r) => n + (source.match(r)?.length ?? 0), 0);
    if (count === 0) continue;
    const m = source.match(viaSameOrigin);
    const ok = viaRoute.test(source) || (MUTATING.includes(method) && m !== null && m[1] === m[2]);
    if (!ok)
      problems.push(
        `${method} must be \`export const ${method} = route(…)\`${MUTATING.includes(method) ? " (or a function returning sameOrigin(req, …))" : ""}`,
      );
    if (count > 1) problems.push(`${method} is exported more than once`);
  }
  return problems;
}

test("every route handler goes through route() (or, for next-auth's, sameOrigin())", () => {
  const files = routeFiles(APP);
  assert.ok(files.length >= 8, `found only ${files.length} route files`);
  const found = files.flatMap((f) =>
    uncheckedHandlers(fs.readFileSync(f, "utf8"), EXEMPT[path.relative(APP, f)]).map(
      (p) => `${path.relative(APP, f)}: ${p}`,
    ),
  );
  assert.deepEqual(found, []);
});

const refused = (problems: string[]) => assert.ok(problems.length > 0, "a route that skips the rule passed the check");

test("the check itself catches the ways a route could skip the rule", () => {
  assert.deepEqual(uncheckedHandlers('export const GET = route({ role: "admin" }, async () => x);'), []);
  assert.deepEqual(
    uncheckedHandlers('export const POST = route({ role: "admin", body: "json", input }, async ({ user }) => {'),
    [],
  );
  assert.deepEqual(
    uncheckedHandlers("export async function POST(req: Request, ctx: C) {\n  return sameOrigin(req, async () => {"),
    [],
  );
  refused(uncheckedHandlers("export async function GET(req: Request) { return withUser(async () => x) }"));
  refused(uncheckedHandlers("export async function GET(req: Request) { return sameOrigin(req, f) }"));
  refused(uncheckedHandlers("export async function POST(req: Request) {\n  return withUser(async (user) => {"));
  refused(uncheckedHandlers("export async function DELETE(req: Request) { const x = 1; return sameOrigin(req, f) }"));
  refused(uncheckedHandlers("export async function PUT(req: Request) { return sameOrigin(other, f) }"));
  refused(uncheckedHandlers("const handler = NextAuth(o);\nexport { handler as GET, handler as POST };"));
  refused(uncheckedHandlers("export const PATCH = handler;"));
  refused(uncheckedHandlers("export const POST = route(o, f);\nexport { other as POST };"));
});
