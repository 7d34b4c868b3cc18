// Runs once when the server starts (Next.js instrumentation hook).
export async function register() {
  // biome-ignore lint/style/noProcessEnv: Next's runtime marker, to be checked before anything Node-only is loaded
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { recordPeerAddress } = await import("./lib/platform/peer-address.ts");
  recordPeerAddress();
}
