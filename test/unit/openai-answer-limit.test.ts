// An OpenAI-compatible endpoint's answer is read with a cap: a runaway one cannot fill the worker.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { OpenAiEngine } from "../../lib/generation/openai.ts";
import { buildOpenAiConfig } from "../../lib/systems/kinds/openai.ts";

test("an endpoint answering more than 4 MB (chunked, no Content-Length) is refused, and reading stops", async () => {
  let sent = 0;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/json" }); // chunked: no length declared
    const chunk = Buffer.alloc(64 * 1024, 32);
    const push = () => {
      while (sent < 64 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
      if (sent < 64 * 1024 * 1024) res.once("drain", push);
      else res.end();
    };
    res.on("error", () => {});
    push();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  try {
    const engine = new OpenAiEngine(buildOpenAiConfig({ baseUrl: `http://127.0.0.1:${port}/v1`, model: "m" }), 0, 1);
    await assert.rejects(engine.generate({ findings: "Clear lungs." }), /sent an answer over 4 MB/);
    assert.ok(sent < 32 * 1024 * 1024, `the server got to send ${sent >> 20} MB`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
