// Runs once when the server starts (Next.js instrumentation hook).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { recordPeerAddress } = await import("./lib/platform/peer-address.ts");
  recordPeerAddress();
}
