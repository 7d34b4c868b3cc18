import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = PrismaClient;

export function createDb(url: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
}

// One client per process; survives Next's dev-mode module reloads.
const holder = globalThis as unknown as { secondreadDb?: PrismaClient };

export function db(): PrismaClient {
  if (!holder.secondreadDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set (start SecondRead with `npm start`).");
    holder.secondreadDb = createDb(url);
  }
  return holder.secondreadDb;
}
