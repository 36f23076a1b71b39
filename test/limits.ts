// Rate-limit tests against miniflare's fixed windows, which align to wall time.

/**
 * Runs `attempt` inside one window of the limiter's clock (miniflare's fixed windows align to wall time):
 * starts at a window's beginning if little of the current one is left, and runs it again, on fresh
 * clients, if the window turned meanwhile (a slow machine), so the count never straddles two windows.
 */
export async function inOneWindow<T>(
  periodSeconds: number,
  needMs: number,
  attempt: () => Promise<T>,
): Promise<T> {
  const period = periodSeconds * 1000
  for (let tries = 1; ; tries++) {
    const left = period - (Date.now() % period)
    if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 50))
    const window = Math.floor(Date.now() / period)
    const result = await attempt()
    if (Math.floor(Date.now() / period) === window || tries === 4) return result
  }
}
