import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";
import { required } from "./env.ts";

export type Db = PrismaClient;

export function createDb(url: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
}

// One client per process; survives Next's dev-mode module reloads.
const holder = globalThis as unknown as { secondreadDb?: PrismaClient };

export function db(): PrismaClient {
  if (!holder.secondreadDb) {
    holder.secondreadDb = createDb(required("DATABASE_URL"));
  }
  return holder.secondreadDb;
}
