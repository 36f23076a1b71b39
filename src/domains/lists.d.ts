// The maintained domain lists, imported `with { type: 'text' }`: a string from wrangler's bundler (esbuild),
// an array under vitest (Vite ignores the attribute and imports JSON).
declare module 'disposable-email-domains/wildcard.json' {
  const list: string | string[]
  export default list
}
declare module 'email-providers/all.json' {
  const list: string | string[]
  export default list
}
