// A running server seen from outside: which process listens on a port, its memory, and a
// big chunked upload (no Content-Length) sent to it. Used by the browser tests and bench/uploads.ts.
import fs from "node:fs";
import http from "node:http";

/** The process listening on a local TCP port (Linux /proc), or null. */
export function pidListeningOn(port: number): number | null {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === "0A") inodes.add(cols[9]);
    }
  }
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return Number(pid);
      } catch {
        // the fd closed meanwhile
      }
    }
  }
  return null;
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

/** Starts a fresh peak (VmHWM := VmRSS), so the next peak is this upload's. */
export function resetPeak(pid: number) {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

export type UploadResult = { status: number; body: string; sentMb: number; totalMb: number; seconds: number };

/**
 * POSTs a multipart body of about `totalMb` MB in 1 MB chunks, without Content-Length (chunked),
 * stopping as soon as the server answers. sentMb: how much had been sent by then.
 */
export function chunkedUpload(
  url: string,
  opts: { totalMb: number; headers?: Record<string, string>; multipart?: boolean },
): Promise<UploadResult> {
  const boundary = "----secondread-upload-test";
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.multipart !== false) headers["Content-Type"] = `multipart/form-data; boundary=${boundary}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="mode"\r\n\r\npreview\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\nuid,findings,impression\n`,
  );
  const chunk = Buffer.alloc(1024 * 1024, "1,lungs clear,normal\n");
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(url, { method: "POST", headers });
    req.on("response", (res) => {
      answered = true;
      const sentMb = sent / 1048576;
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => {
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(parts).toString("utf8"),
          sentMb,
          totalMb: opts.totalMb,
          seconds: (performance.now() - started) / 1000,
        });
        req.destroy();
      });
    });
    req.on("error", (e) => {
      if (!answered)
        reject(
          new Error(
            `the server closed the connection without an answer after ${(sent / 1048576).toFixed(0)} MB: ${e.message}`,
          ),
        );
    });
    const pump = () => {
      while (!answered && sent < opts.totalMb * 1048576) {
        const piece = sent === 0 ? Buffer.concat([head, chunk]) : chunk;
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      if (!answered) req.end(`\r\n--${boundary}--\r\n`);
    };
    pump();
  });
}
