import { defineConfig } from "@playwright/test";

// Browser tests drive Debian's chromium (never a downloaded browser) against `next start`
// on a fresh database that scripts/test.ts prepares (test/browser/prepare.ts).
const PORT = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: "test/browser",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: [
    {
      command: `node_modules/.bin/next start -p ${PORT}`,
      url: `http://localhost:${PORT}/login`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        DATABASE_URL: process.env.E2E_DATABASE_URL ?? "",
        AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e-secret",
        NEXTAUTH_URL: `http://localhost:${PORT}`,
        NEXT_TELEMETRY_DISABLED: "1",
      },
    },
    {
      // The generation worker, as `npm start` runs it next to the web server.
      command: "node --import tsx scripts/worker.ts",
      wait: { stdout: /\[worker\] ready/ },
      reuseExistingServer: false,
      timeout: 60_000,
      env: { DATABASE_URL: process.env.E2E_DATABASE_URL ?? "", SECONDREAD_PARALLEL: "2" },
    },
  ],
});
