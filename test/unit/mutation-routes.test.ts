// A new route handler cannot forget the same-origin rule: every POST/PUT/PATCH/DELETE exported by a
// route.ts under app/ must be a function whose first statement hands the request to
// mutation() or sameOrigin() (lib/web/http.ts). Other ways of exporting those names fail here.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

const APP = path.resolve(import.meta.dirname, "..", "..", "app");
const MUTATING = ["POST", "PUT", "PATCH", "DELETE"];

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : /^route\.(ts|tsx|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** The problems with one route file's state-changing exports. */
function uncheckedMutations(source: string): string[] {
  const problems: string[] = [];
  for (const method of MUTATING) {
    const name = `\\b${method}\\b`;
    const asFunction = new RegExp(
      `export\\s+async\\s+function\\s+${method}\\s*\\((\\w+)[^)]*\\)[^{]*\\{\\s*return\\s+(mutation|sameOrigin)\\(\\s*(\\w+)\\s*,`,
    );
    const anyExport = [
      new RegExp(`export\\s+(async\\s+)?function\\s+${method}\\b`),
      new RegExp(`export\\s+(const|let|var)\\s+${method}\\b`),
      new RegExp(`export\\s*\\{[^}]*${name}[^}]*\\}`),
    ];
    if (!anyExport.some((r) => r.test(source))) continue;
    const m = source.match(asFunction);
    if (!m || m[1] !== m[3])
      problems.push(
        `${method} must be \`export async function ${method}(req, …) { return mutation(req, …) }\` (or sameOrigin)`,
      );
    if (anyExport.slice(1).some((r) => r.test(source))) problems.push(`${method} is also exported another way`);
  }
  return problems;
}

test("every state-changing route handler goes through mutation() or sameOrigin()", () => {
  const files = routeFiles(APP);
  assert.ok(files.length >= 8, `found only ${files.length} route files`);
  const found = files.flatMap((f) =>
    uncheckedMutations(fs.readFileSync(f, "utf8")).map((p) => `${path.relative(APP, f)}: ${p}`),
  );
  assert.deepEqual(found, []);
});

const refused = (problems: string[]) => assert.ok(problems.length > 0, "a route that skips the rule passed the check");

test("the check itself catches the ways a route could skip the rule", () => {
  assert.deepEqual(
    uncheckedMutations("export async function GET(req: Request) { return withUser(async () => x) }"),
    [],
  );
  assert.deepEqual(
    uncheckedMutations(
      'export async function POST(req: Request, ctx: C) {\n  return mutation(req, "json", async (user) => {',
    ),
    [],
  );
  refused(uncheckedMutations("export async function POST(req: Request) {\n  return withUser(async (user) => {"));
  refused(
    uncheckedMutations("export async function DELETE(req: Request) { const x = 1; return mutation(req, 'json', f) }"),
  );
  refused(uncheckedMutations("export async function PUT(req: Request) { return mutation(other, 'json', f) }"));
  refused(uncheckedMutations("const handler = NextAuth(o);\nexport { handler as GET, handler as POST };"));
  refused(uncheckedMutations("export const PATCH = handler;"));
});
