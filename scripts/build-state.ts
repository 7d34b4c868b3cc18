// "Build if needed": a hash of everything the build depends on, kept next to the build.
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const INPUTS = [
  "app",
  "lib",
  "components",
  "prisma/schema.prisma",
  "next.config.ts",
  "package-lock.json",
  "postcss.config.mjs",
  "tsconfig.json",
  "proxy.ts",
  "instrumentation.ts",
];

function files(p: string): string[] {
  const full = path.join(ROOT, p);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [p];
  return fs
    .readdirSync(full)
    .filter((n) => n !== "generated")
    .flatMap((n) => files(path.join(p, n)));
}

export function sourceHash() {
  const h = createHash("sha256");
  for (const f of INPUTS.flatMap(files).sort()) h.update(f).update(fs.readFileSync(path.join(ROOT, f)));
  return h.digest("hex");
}

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status})`);
}

export function ensureClient() {
  const schema = fs.readFileSync(path.join(ROOT, "prisma/schema.prisma"));
  const stamp = path.join(ROOT, "lib/generated/prisma/.schema-hash");
  const hash = createHash("sha256").update(schema).digest("hex");
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === hash) return;
  run("npx", ["prisma", "generate"]);
  fs.writeFileSync(stamp, hash);
}

export function ensureBuild(log = console.log) {
  ensureClient();
  const stamp = path.join(ROOT, ".next/secondread-source-hash");
  const hash = sourceHash();
  if (
    fs.existsSync(path.join(ROOT, ".next/BUILD_ID")) &&
    fs.existsSync(stamp) &&
    fs.readFileSync(stamp, "utf8") === hash
  )
    return;
  log("Building the web app (first start or changed sources; about a minute)…");
  run("npx", ["next", "build"]);
  fs.writeFileSync(stamp, hash);
}
