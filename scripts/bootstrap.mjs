// Lets `npm start` and `npm test` work on a fresh clone: installs the dependencies when they
// are missing or older than package-lock.json, then runs the TypeScript script with tsx.
// Plain JavaScript on purpose: it must run before anything is installed.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const [script, ...args] = process.argv.slice(2);
const installed = path.join(root, "node_modules", ".package-lock.json");
const stale =
  !fs.existsSync(path.join(root, "node_modules", ".bin", "tsx")) ||
  !fs.existsSync(installed) ||
  fs.statSync(installed).mtimeMs < fs.statSync(path.join(root, "package-lock.json")).mtimeMs;

if (stale) {
  console.log("Installing dependencies (npm ci)…");
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", script), ...args], {
  cwd: root,
  stdio: "inherit",
});
// Ctrl+C reaches the child through the terminal; a SIGTERM sent to us alone is passed on.
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
