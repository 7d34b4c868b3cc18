// Polling with a deadline: a test that waits for something says what never happened, instead of
// hanging until the runner's timeout cancels it without a word.

export type WaitOptions = {
  /** How long to wait in all (default 60 s). */
  timeoutMs?: number;
  /** Pause between two checks (default 200 ms). */
  intervalMs?: number;
  /** What the error shows of the state at the deadline (e.g. the generation progress). */
  state?: () => unknown;
};

/**
 * Calls `check` until it returns something truthy, and returns that. Past the deadline (a check
 * that hangs counts too) it throws `Error("<what> never happened within <N>s")`. A check that
 * throws ends the wait at once with its error.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  opts: WaitOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const intervalMs = opts.intervalMs ?? 200;
  const end = Date.now() + timeoutMs;
  const expired = async (): Promise<never> => {
    let state = "";
    if (opts.state) {
      try {
        const s = await opts.state();
        state = ` (at the deadline: ${typeof s === "string" ? s : JSON.stringify(s)})`;
      } catch (e) {
        state = ` (the state could not be read: ${(e as Error).message})`;
      }
    }
    throw new Error(`${what} never happened within ${Math.round(timeoutMs / 100) / 10}s${state}`);
  };
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const late = Symbol("late");
    const value = await Promise.race([
      Promise.resolve().then(check),
      new Promise<typeof late>((resolve) => (timer = setTimeout(() => resolve(late), Math.max(0, end - Date.now())))),
    ]).finally(() => clearTimeout(timer));
    if (value === late) return expired();
    if (value) return value as NonNullable<T>;
    if (Date.now() >= end) return expired();
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, end - Date.now()))));
  }
}
