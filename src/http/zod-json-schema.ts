// 'zod/v4/core' for the bundle only (wrangler.toml [alias]): hono-openapi's schema step imports that whole module
// dynamically for its toJSONSchema, which would carry all of zod's core and its locales; this is that one function.
export { toJSONSchema } from 'zod/mini'
