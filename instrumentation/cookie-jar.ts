// The one cookie jar: cookies as a browser keeps them for one origin (enough for __Host- cookies on Path=/).
// Used by the workerd tests (test/harness.ts) and, through Node's type stripping, by the bench's client.
export class CookieJar {
  readonly cookies = new Map<string, string>()

  /** Keeps the response's Set-Cookie values; `Max-Age=0` removes a cookie. */
  remember(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, pair.slice(eq + 1).trim())
    }
  }

  /** The Cookie request header for every cookie kept. */
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}
