import { z } from "zod";

// Every setting SecondRead reads, validated once with messages a user can act on.
const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection URL")
    .optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (try: openssl rand -base64 32)").optional(),
  // The address users open (behind an https proxy: its https:// address). Sign-in links and the
  // same-origin rule for changes (lib/platform/same-origin.ts) use it; `npm start` defaults it to localhost.
  NEXTAUTH_URL: z
    .url({
      protocol: /^https?$/,
      message: "must be the http(s):// address users open, e.g. https://secondread.example.org",
    })
    .optional(),
  // Set by Next.js (`next dev`: development); only the page CSP looks at it.
  NODE_ENV: z.enum(["development", "production", "test"]).optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // Where the web server listens (every interface unless set): 127.0.0.1 behind a proxy on the same host.
  HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:-]+$/, "must be a host name or an IP address, e.g. 127.0.0.1")
    .optional(),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  SECONDREAD_DATA_DIR: z.string().min(1).default(".data"),
  // `npm start` creates the demo study unless this is "0".
  SECONDREAD_DEMO: z.enum(["0", "1"], { message: 'must be "0" or "1"' }).default("1"),
  IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(50 * 1024 * 1024),
  // Caps on an uploaded table's shape, so one file cannot hold the server (lib/tables/tables.ts).
  IMPORT_MAX_COLUMNS: z.coerce.number().int().positive().default(200),
  IMPORT_MAX_ROW_CHARS: z.coerce.number().int().positive().default(1_000_000),
  IMPORT_MAX_FIELD_CHARS: z.coerce.number().int().positive().default(100_000),
  IMPORT_MAX_CELLS: z.coerce.number().int().positive().default(5_000_000),
  IMPORT_MAX_FINDINGS_CHARS: z.coerce.number().int().positive().default(20_000),
  IMPORT_MAX_IMPRESSION_CHARS: z.coerce.number().int().positive().default(5_000),
  // Local models run on the CPU unless a GPU backend is asked for ("auto": whichever works here).
  SECONDREAD_GPU: z
    .enum(["off", "auto", "cuda", "vulkan"], { message: 'must be "off", "auto", "cuda" or "vulkan"' })
    .default("off"),
  // How many reverse proxies in front of the app append to X-Forwarded-For (0: clients connect directly,
  // so the address is the socket's; "true" = 1). See lib/platform/client-address.ts.
  SECONDREAD_TRUST_PROXY: z
    .preprocess((v) => (v === "true" ? 1 : v === "false" ? 0 : v), z.coerce.number().int().min(0).max(10))
    .default(0),
  // Sign-in limits (lib/accounts/sign-in-throttle.ts): after LIMIT failures in a row, each further failure locks
  // for BACKOFF seconds, doubling up to BACKOFF_MAX; failures older than WINDOW seconds are forgotten.
  SECONDREAD_SIGNIN_ACCOUNT_LIMIT: z.coerce.number().int().min(1).max(1000).default(5),
  SECONDREAD_SIGNIN_ADDRESS_LIMIT: z.coerce.number().int().min(1).max(100000).default(50),
  SECONDREAD_SIGNIN_BACKOFF_SECONDS: z.coerce.number().int().min(1).max(86400).default(60),
  SECONDREAD_SIGNIN_BACKOFF_MAX_SECONDS: z.coerce.number().int().min(1).max(86400).default(900),
  // Generation (lib/generation): cases a worker works on at once (unset: measured per model), jobs a
  // lane fetches at once, llama.cpp threads (unset: 1 for a small model, else every core), seconds a
  // job may stay active before another worker gets it, and how often pg-boss's maintenance runs.
  SECONDREAD_PARALLEL: z.coerce.number().int().min(1).max(256).optional(),
  SECONDREAD_FETCH_BATCH: z.coerce.number().int().min(1).max(1000).optional(),
  SECONDREAD_THREADS: z.coerce.number().int().min(1).max(1024).optional(),
  GENERATION_JOB_TIMEOUT_S: z.coerce.number().int().min(1).max(86400).default(900),
  GENERATION_MAINTENANCE_S: z.coerce.number().int().min(1).max(3600).default(30),
  // Model folders: models/ (or SECONDREAD_MODELS_DIR) and the ":"-separated SECONDREAD_MODEL_DIRS.
  SECONDREAD_MODELS_DIR: z.string().min(1).optional(),
  SECONDREAD_MODEL_DIRS: z.string().default(""),
  SECONDREAD_SIGNIN_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 86400)
    .default(3600),
});

export type Env = z.infer<typeof schema>;

export class ConfigError extends Error {}

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const clean = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const parsed = schema.safeParse(clean);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

let cached: Env | undefined;

/** The settings of this process, read and checked once (a bad value stops it with the setting named). */
export function env(): Env {
  cached ??= readEnv();
  return cached;
}

/** Reads process.env again: for tests and benchmarks that change a setting between runs. */
export function rereadEnv(): Env {
  cached = undefined;
  return env();
}

/** A setting the running app cannot do without (`npm start` always sets these). */
export function required(name: "DATABASE_URL" | "AUTH_SECRET"): string {
  const value = env()[name];
  if (!value) throw new ConfigError(`${name} is not set (start SecondRead with \`npm start\`).`);
  return value;
}

/**
 * An OpenAI-compatible endpoint's key, from the variable its system names. Read when used, not
 * once: the name is the admin's choice, limited to SECONDREAD_API_KEY_* (lib/systems/kinds/openai.ts).
 */
export function apiKey(variable: string): string | undefined {
  if (!/^SECONDREAD_API_KEY_[A-Z0-9_]+$/.test(variable))
    throw new ConfigError(`${variable} is not an API key variable.`);
  return process.env[variable] || undefined;
}
