// What the benches share: the built app under `next start` on a database of their own, ready when
// /login answers. `next start` leaves with `stop()`.
import { spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");

export async function startWeb(port: number, databaseUrl: string, env: Record<string, string> = {}) {
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(path.join(ROOT, "node_modules/.bin/next"), ["start", "-p", String(port)], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      ...env,
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: "bench-secret-bench-secret-bench-secret-xx",
      NEXTAUTH_URL: base,
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error("next start exited");
    if (
      await fetch(`${base}/login`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 300) throw new Error("the app did not start within 30 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
