// npm run user:create -- --email someone@example.org --role admin|rater [--name "Dr X"]
// npm run user:create -- --email someone@example.org --reset-password   (ends the user's sessions)
// The password is asked for (hidden) on a terminal, or generated and printed once.
import { parseArgs } from "node:util";
import readline from "node:readline";
import { ensureClient } from "./build-state.ts";

ensureClient();
const { readEnv } = await import("../lib/platform/env.ts");
const { openDatabase } = await import("../lib/runtime/runtime.ts");
const { createDb } = await import("../lib/platform/db.ts");
const { createUser } = await import("../lib/accounts/users.ts");
const { resetPassword } = await import("../lib/accounts/accounts.ts");
const { generatePassword } = await import("../lib/accounts/passwords.ts");
const { asAppError } = await import("../lib/platform/errors.ts");

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    role: { type: "string" },
    name: { type: "string" },
    generate: { type: "boolean" },
    "reset-password": { type: "boolean" },
  },
});
const reset = values["reset-password"] ?? false;
// The role is checked by createUser, with the same message as in the web form.
if (!values.email || (reset ? values.role !== undefined || values.name !== undefined : values.role === undefined)) {
  console.error("Usage: npm run user:create -- --email <email> --role admin|rater [--name <name>] [--generate]");
  console.error("       npm run user:create -- --email <email> --reset-password [--generate]");
  process.exit(2);
}

function askHidden(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  out._writeToOutput = (s: string) => out.output.write(s.includes(question) ? s : "");
  return new Promise((resolve) =>
    rl.question(question, (a) => {
      rl.close();
      process.stdout.write("\n");
      resolve(a);
    }),
  );
}

let password: string;
let generated = false;
if (process.stdin.isTTY && !values.generate) {
  password = await askHidden("Password (at least 10 characters, empty to generate one): ");
  if (password && password !== (await askHidden("Repeat the password: "))) {
    console.error(`The passwords differ; ${reset ? "nothing was changed" : "no user was created"}.`);
    process.exit(1);
  }
} else password = "";
if (!password) [password, generated] = [generatePassword(), true];

const database = await openDatabase(readEnv(), { log: () => {} });
const db = createDb(database.url);
try {
  if (reset) {
    const { email } = await resetPassword(db, null, { email: values.email }, password);
    console.log(`New password set for ${email}; their sessions have ended.`);
  } else {
    const user = await createUser(db, null, {
      email: values.email,
      name: values.name ?? "",
      role: values.role!.toUpperCase(),
      password,
    });
    console.log(`Created ${user.role === "ADMIN" ? "study admin" : "rater"} ${user.email}.`);
  }
  if (generated) console.log(`Password (shown once, store it now): ${password}`);
} catch (e) {
  const known = asAppError(e);
  if (known) {
    console.error(known.message);
    process.exitCode = 1;
  } else throw e;
} finally {
  await db.$disconnect();
  await database.stop();
}
