// Request bodies read with a byte limit enforced while they stream: a body without
// Content-Length (chunked) is cut off at the limit instead of being buffered whole.
import { BodyTooLargeError } from "./errors.ts";

const MB = 1024 * 1024;
const mb = (n: number) => (n >= MB ? `${+(n / MB).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);

/** What a refused upload is told: the limit, and the setting that raises it when there is one. */
export function tooLarge(limit: number, setting?: string): BodyTooLargeError {
  const where = setting ? ` (the setting ${setting})` : "";
  return new BodyTooLargeError(`The upload is larger than ${mb(limit)}, the limit${where}. Nothing was changed.`);
}

/**
 * The body's bytes, refused as soon as more than `limit` have arrived (or Content-Length says so):
 * the stream is cancelled then, so the rest is never held in memory.
 */
export async function readBodyLimited(
  req: Pick<Request, "headers" | "body">,
  limit: number,
  refuse: () => Error = () => tooLarge(limit),
): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > limit) {
    await req.body?.cancel().catch(() => {});
    throw refuse();
  }
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      chunks.length = 0;
      await reader.cancel().catch(() => {});
      throw refuse();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return body;
}

/**
 * multipart/form-data parsed with native byte searches: undici's parser holds the event loop
 * for ~0.3 s per 20 MB. Anything it does not recognise is left to undici (null).
 */
export function parseMultipart(body: Uint8Array, contentType: string): FormData | null {
  const boundary = /^multipart\/form-data;.*\bboundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  if (!boundary) return null;
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const form = new FormData();
  let at = buf.indexOf(delimiter);
  if (at < 0) return null;
  for (;;) {
    at += delimiter.length;
    if (buf[at] === 0x2d && buf[at + 1] === 0x2d) return form; // "--": the last part ended
    if (buf[at] !== 0x0d || buf[at + 1] !== 0x0a) return null;
    const headEnd = buf.indexOf("\r\n\r\n", at + 2);
    const next = buf.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), at + 2);
    if (headEnd < 0 || next < 0 || headEnd > next) return null;
    const head = buf.toString("utf8", at + 2, headEnd);
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(head)?.[1];
    const name = disposition && /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined || name === null || /filename\*=/i.test(disposition ?? "")) return null;
    const content = buf.subarray(headEnd + 4, next);
    const fileName = /;\s*filename="([^"]*)"/i.exec(disposition!)?.[1];
    const type = /^content-type:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? "";
    const unquote = (s: string) => s.replace(/%22/g, '"').replace(/%0D/gi, "\r").replace(/%0A/gi, "\n");
    if (fileName === undefined) form.append(unquote(name), content.toString("utf8"));
    else form.append(unquote(name), new File([content as Uint8Array<ArrayBuffer>], unquote(fileName), { type }));
    at = next + 2;
  }
}
