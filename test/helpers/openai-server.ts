// A local OpenAI-compatible completions server that answers with the bundled model, for
// testing systems of kind OPENAI_COMPATIBLE without any outside service.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { TINY_BASE } from "./models.ts";

/** failNext(n): the next n completions with the right key are answered 503 (a server warming up). */
export async function startOpenAiServer(opts: { apiKey: string }) {
  const { getLlama, LlamaCompletion } = await import("node-llama-cpp");
  const llama = await getLlama({ gpu: false, build: "never", maxThreads: 2 });
  const model = await llama.loadModel({ modelPath: TINY_BASE });
  const context = await model.createContext({ contextSize: 512 });
  const sequence = context.getSequence();
  const completion = new LlamaCompletion({ contextSequence: sequence });
  let requests = 0;
  let unavailable = 0;
  let queue = Promise.resolve();

  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      requests += 1;
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(json));
      };
      if (req.method !== "POST" || req.url !== "/v1/completions") return send(404, { error: { message: "not found" } });
      if (req.headers.authorization !== `Bearer ${opts.apiKey}`)
        return send(401, { error: { message: "invalid api key" } });
      if (unavailable > 0) {
        unavailable -= 1;
        return send(503, { error: { message: "warming up" } });
      }
      const p = JSON.parse(body);
      // One sequence: requests take turns, as a small llama.cpp server would.
      queue = queue
        .then(async () => {
          sequence.clearHistory();
          let tokens = 0;
          const r = await completion.generateCompletionWithMeta(p.prompt, {
            maxTokens: p.max_tokens,
            temperature: p.temperature,
            topK: p.top_k,
            topP: p.top_p,
            seed: p.seed,
            repeatPenalty: { penalty: p.repeat_penalty ?? 1 },
            customStopTriggers: p.stop,
            onToken: (t) => (tokens += t.length),
          });
          send(200, {
            id: `cmpl-${requests}`,
            object: "text_completion",
            model: p.model,
            choices: [
              { index: 0, text: r.response, finish_reason: r.metadata.stopReason === "maxTokens" ? "length" : "stop" },
            ],
            usage: { prompt_tokens: model.tokenize(p.prompt).length, completion_tokens: tokens },
          });
        })
        .catch((e) => send(500, { error: { message: String(e) } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests: () => requests,
    failNext: (n: number) => {
      unavailable = n;
    },
    close: async () => {
      await new Promise((r) => server.close(r));
      await context.dispose();
      await model.dispose();
    },
  };
}
