// Every way into the app, read from the file tree (not from a list someone keeps):
// pages, each exported HTTP method of a route handler, and each export of a "use server" file.
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
// Server actions may live anywhere the app imports from.
const ACTION_DIRS = ["app", "lib", "components"];

function walk(dir: string): string[] {
  const full = path.join(ROOT, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((d) => {
    const rel = path.posix.join(dir, d.name);
    if (d.isDirectory()) return d.name === "generated" || d.name === "node_modules" ? [] : walk(rel);
    return [rel];
  });
}

/** app/admin/(group)/studies/[id]/page.tsx -> /admin/studies/[id] */
function urlOf(file: string) {
  const segments = path.posix
    .dirname(file)
    .split("/")
    .slice(1)
    .filter((s) => !(s.startsWith("(") && s.endsWith(")")) && !s.startsWith("@"));
  return `/${segments.join("/")}`;
}

/** The exported HTTP methods of a route handler, however they are exported. */
export function routeMethods(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:async\s+)?(?:function\*?|const|let|var)\s+([A-Z]+)\b/g)) found.add(m[1]);
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(",")) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name) found.add(name);
    }
  }
  return [...found].filter((n) => METHODS.includes(n)).sort();
}

const USE_SERVER_FILE = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*["']use server["']/;

/** The exported names of a "use server" file; anything it exports is callable from outside. */
export function actionNames(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:async\s+)?(?:function\*?|const|let|var)\s+(\w+)/g)) names.add(m[1]);
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(",")) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name && !name.startsWith("type ")) names.add(name);
    }
  }
  if (/export\s+default\b/.test(source)) names.add("default");
  return [...names].sort();
}

/** Keys like "PAGE /admin", "POST /api/studies/[id]/import", "ACTION app/admin/actions.ts#createStudyAction". */
export function appEntries(): string[] {
  const entries: string[] = [];
  for (const file of walk("app")) {
    const base = path.posix.basename(file);
    if (/^page\.(tsx|ts|jsx|js|mdx)$/.test(base)) entries.push(`PAGE ${urlOf(file)}`);
    if (/^route\.(ts|tsx|js)$/.test(base)) {
      const methods = routeMethods(fs.readFileSync(path.join(ROOT, file), "utf8"));
      if (methods.length === 0)
        throw new Error(
          `${file}: no exported HTTP method found; teach test/browser/app-entries.ts how it exports them.`,
        );
      for (const m of methods) entries.push(`${m} ${urlOf(file)}`);
    }
  }
  for (const file of ACTION_DIRS.flatMap(walk)) {
    if (!/\.(ts|tsx|js|jsx)$/.test(file)) continue;
    const source = fs.readFileSync(path.join(ROOT, file), "utf8");
    if (USE_SERVER_FILE.test(source)) for (const name of actionNames(source)) entries.push(`ACTION ${file}#${name}`);
    // Inline actions ("use server" inside a function body) are found through the build's manifest instead.
  }
  return entries.sort();
}

/** Every server action the build compiled (inline ones too), as "ACTION file#name", with its id. */
export function builtActions(): Map<string, string> {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(ROOT, ".next/server/server-reference-manifest.json"), "utf8"),
  ) as {
    node: Record<string, { filename: string; exportedName: string; workers: Record<string, unknown> }>;
  };
  const out = new Map<string, string>();
  for (const [id, a] of Object.entries(manifest.node)) out.set(`ACTION ${a.filename}#${a.exportedName}`, id);
  return out;
}

/** The page an action is posted from, as the browser would: the first page whose bundle holds it. */
export function actionPage(key: string): string {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(ROOT, ".next/server/server-reference-manifest.json"), "utf8"),
  ) as {
    node: Record<string, { filename: string; exportedName: string; workers: Record<string, unknown> }>;
  };
  const found = Object.values(manifest.node).find((a) => `ACTION ${a.filename}#${a.exportedName}` === key);
  if (!found) throw new Error(`${key} is not in the build's server-reference-manifest.json`);
  const worker = Object.keys(found.workers).find((w) => w.startsWith("app/") && w.endsWith("/page"));
  if (!worker) throw new Error(`${key}: no page bundles it`);
  return urlOf(`${worker}.tsx`);
}
