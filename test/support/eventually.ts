// Waiting for a fact instead of for a while: poll a check until it holds.

/**
 * What a check returns while what it waits for has not happened: nothing (undefined, null), false, 0, an
 * empty string or an empty list. A check that waits for a count of zero, or for nothing to be left, says
 * so as a condition (`=== 0`, `length === 0`), which is true when it holds.
 */
type NotYet = undefined | null | false | 0 | '' | readonly [];

function notYet(value: unknown): boolean {
  return !value || (Array.isArray(value) && value.length === 0);
}

/**
 * Polls until `check` returns something (see NotYet) and resolves with it, or fails with what was last
 * seen. A check that throws has not passed yet either.
 */
export async function eventually<T>(
  check: () => T,
  what: string,
  timeoutMs = 10_000,
): Promise<Exclude<Awaited<T>, NotYet>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (!notYet(value)) return value as Exclude<Awaited<T>, NotYet>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
      );
    await new Promise((r) => setTimeout(r, 25));
  }
}
