// Number formats shared by the report and its explanations.
export const ms = (v) => `${v.toFixed(1)} ms`
/** CPU time per request: small, so two decimals. */
export const cpuMs = (v) => `${v.toFixed(2)} ms`
export const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`
export const rps = (v) => `${Math.round(v)} req/s`
export const times = (v) => `${v.toFixed(2)}×`
export const pct = (v) => `${(v * 100).toFixed(0)}%`
export const num = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(2))
