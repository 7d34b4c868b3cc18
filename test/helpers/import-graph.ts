// The static import graph of the source tree, and the two rules docs/ARCHITECTURE.md states:
// areas of lib/ import only areas below them, and no file imports itself through others.
import fs from "node:fs";
import path from "node:path";

export type Graph = Map<string, string[]>; // file (relative to the root) -> files it imports

const SPECIFIER =
  /(?:^|[\s;}])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm;

/** Every .ts/.tsx/.mjs file under `dirs` (folders or files), with the project files it imports (relative or "@/"). */
export function importGraph(root: string, dirs: string[]): Graph {
  const graph: Graph = new Map();
  const walk = (dir: string): string[] =>
    !fs.statSync(path.join(root, dir)).isDirectory()
      ? [dir]
      : fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
          const rel = path.join(dir, e.name);
          if (e.isDirectory()) return e.name === "generated" || e.name === "node_modules" ? [] : walk(rel);
          return /\.(ts|tsx|mjs)$/.test(e.name) ? [rel] : [];
        });
  for (const file of dirs.filter((d) => fs.existsSync(path.join(root, d))).flatMap(walk)) {
    const src = fs.readFileSync(path.join(root, file), "utf8").replace(/^\s*\/\/.*$/gm, "");
    const deps = new Set<string>();
    for (const m of src.matchAll(SPECIFIER)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith("@/")) deps.add(path.normalize(spec.slice(2)));
      else if (spec.startsWith(".")) deps.add(path.normalize(path.join(path.dirname(file), spec)));
    }
    graph.set(file, [...deps]);
  }
  return graph;
}

/** The area of a file in lib/ ("lib/rating/rating.ts" -> "rating"), or null outside lib/. */
export const areaOf = (file: string) => (file.startsWith("lib/") ? file.split("/")[1] : null);

/** Imports that go against the layer order (lower areas first), or out of lib/ into app code or tooling. */
export function layerViolations(graph: Graph, order: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [file, deps] of graph) {
    const from = areaOf(file);
    if (from !== null && !order.includes(from))
      problems.push(`${file}: lib/${from}/ is not an area of docs/ARCHITECTURE.md`);
    for (const dep of deps) {
      if (dep.startsWith("lib/generated/")) continue;
      const to = areaOf(dep);
      if (from !== null && to === null) problems.push(`${file} imports ${dep}: lib/ imports only lib/`);
      else if (from !== null && to !== null && order.indexOf(to) > order.indexOf(from))
        problems.push(`${file} imports ${dep}: ${from} is below ${to}`);
      else if (
        from === null &&
        !file.startsWith("scripts/") &&
        !file.startsWith("test/") &&
        !file.startsWith("bench/") &&
        /^(scripts|test|bench)\//.test(dep)
      ) {
        problems.push(`${file} imports ${dep}: the app never imports tooling or tests`);
      }
    }
  }
  return problems;
}

/** Each import cycle once, as the files around it ("a -> b -> a"). */
export function cycles(graph: Graph): string[] {
  const found = new Set<string>();
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const dep of graph.get(file) ?? []) {
      if (!graph.has(dep)) continue;
      if (state.get(dep) === "open") {
        const loop = stack.slice(stack.indexOf(dep));
        const first = loop.indexOf([...loop].sort()[0]);
        const canonical = [...loop.slice(first), ...loop.slice(0, first)];
        found.add([...canonical, canonical[0]].join(" -> "));
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return [...found];
}
