import http from "node:http";
import https from "node:https";
import { PEER_HEADER } from "./client-address.ts";

const marked = Symbol.for("secondread.peerAddress");

/**
 * Makes every HTTP(S) server of this process put the socket's remote address in PEER_HEADER before
 * anything reads the request (a client-sent header of that name is overwritten). Called once from
 * instrumentation.ts, inside the `next start` process.
 */
export function recordPeerAddress() {
  for (const proto of [http.Server.prototype, https.Server.prototype] as unknown as (EventEmitterLike & {
    [marked]?: true;
  })[]) {
    if (proto[marked]) continue;
    const emit = proto.emit;
    proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
      if (event === "request") {
        const req = args[0] as http.IncomingMessage;
        req.headers[PEER_HEADER] = req.socket?.remoteAddress ?? "";
      }
      return emit.call(this, event, ...args);
    };
    proto[marked] = true;
  }
}

type EventEmitterLike = { emit: (event: string | symbol, ...args: unknown[]) => boolean };
