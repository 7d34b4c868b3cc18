// Child process for test/integration/database.test.ts: starts the embedded PostgreSQL server
// in the given data directory, says so on stdout, then waits to be killed. Killing it with
// SIGKILL leaves the server running without its owner, as a crashed `npm start` would.
// Usage: node --import tsx test/helpers/start-embedded-and-hang.ts <dataDir> <port> <database>
import { startEmbeddedPostgres } from "../../lib/runtime/embedded-postgres.ts";

const [dataDir, port, database] = process.argv.slice(2);
if (!dataDir || !port || !database) throw new Error("usage: start-embedded-and-hang.ts <dataDir> <port> <database>");
const server = await startEmbeddedPostgres({ dataDir, port: Number(port), database, log: () => {} });
process.stdout.write(`ready ${server.dataDir}\n`);
setInterval(() => {}, 1 << 30);
