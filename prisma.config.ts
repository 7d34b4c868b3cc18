import path from "node:path";
import { defineConfig } from "prisma/config";

// The CLI would download its schema engine; offline we only need `generate`/`validate`.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(import.meta.dirname, "prisma", "schema-engine-offline.sh");

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
});
