// Domain proof by DNS: the TXT record asked for, and its check against a resolver speaking the DoH JSON API.
import { describe, expect, it } from 'vitest'
import { checkTxt, defaultResolverUrl, txtText, verificationRecord } from '../src/domains/dns'

const name = '_edge-sso.acme.example'
const expected = 'edge-sso-verify=tok_0123456789'

/** A resolver peer: records each request and answers with what `answer` returns (Cloudflare's JSON shape). */
function resolver(answer: (url: URL) => Response | Promise<Response>) {
  const requests: Request[] = []
  const fetcher: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    requests.push(request)
    return answer(new URL(request.url))
  }
  return { fetcher, requests }
}

/** The JSON Cloudflare's resolver returns for a TXT query (application/dns-json). */
const dnsJson = (status: number, answers: { data: string; type?: number; name?: string }[]) =>
  Response.json(
    {
      Status: status,
      TC: false,
      RD: true,
      RA: true,
      AD: false,
      CD: false,
      Question: [{ name, type: 16 }],
      ...(answers.length
        ? {
            Answer: answers.map((a) => ({
              name: a.name ?? name,
              type: a.type ?? 16,
              TTL: 300,
              data: a.data,
            })),
          }
        : {}),
    },
    { headers: { 'content-type': 'application/dns-json' } },
  )

describe('verificationRecord', () => {
  it('names _edge-sso.<domain> and the value edge-sso-verify=<token>', () => {
    expect(verificationRecord('acme.example', 'tok')).toEqual({
      dnsName: '_edge-sso.acme.example',
      dnsValue: 'edge-sso-verify=tok',
    })
  })

  it('uses the normalised domain', () => {
    expect(verificationRecord('Bücher.Example.', 'tok').dnsName).toBe(
      '_edge-sso.xn--bcher-kva.example',
    )
  })

  it('throws for what is not a domain name', () => {
    expect(() => verificationRecord('acme.example/x', 'tok')).toThrow(TypeError)
  })
})

describe('checkTxt', () => {
  const lookup = { resolverUrl: defaultResolverUrl, name, expected }
  it('asks the resolver for TXT records of the name, as DoH JSON', async () => {
    const peer = resolver(() => dnsJson(0, [{ data: `"${expected}"` }]))
    expect(await checkTxt(peer.fetcher, lookup)).toBe(true)
    const [request] = peer.requests
    const url = new URL(request!.url)
    expect(url.origin + url.pathname).toBe(defaultResolverUrl)
    expect(url.searchParams.get('name')).toBe(name)
    expect(url.searchParams.get('type')).toBe('TXT')
    expect(request!.headers.get('accept')).toBe('application/dns-json')
  })

  it('finds the record among others at the same name', async () => {
    const peer = resolver(() =>
      dnsJson(0, [{ data: '"v=spf1 -all"' }, { data: `"${expected}"` }, { data: '"other"' }]),
    )
    expect(await checkTxt(peer.fetcher, lookup)).toBe(true)
  })

  it('joins a record split into several quoted strings', async () => {
    const peer = resolver(() => dnsJson(0, [{ data: '"edge-sso-verify=" "tok_0123" "456789"' }]))
    expect(await checkTxt(peer.fetcher, lookup)).toBe(true)
  })

  it('is false when only another value is there (an old token, a prefix, a longer value)', async () => {
    for (const data of [
      '"edge-sso-verify=old"',
      '"edge-sso-verify=tok_012345678"',
      `"${expected}0"`,
    ]) {
      const peer = resolver(() => dnsJson(0, [{ data }]))
      expect(await checkTxt(peer.fetcher, lookup)).toBe(false)
    }
  })

  it('ignores records of another type (a CNAME on the way)', async () => {
    const peer = resolver(() => dnsJson(0, [{ type: 5, data: expected }]))
    expect(await checkTxt(peer.fetcher, lookup)).toBe(false)
  })

  it('is false for NXDOMAIN and for a name with no answer', async () => {
    expect(await checkTxt(resolver(() => dnsJson(3, [])).fetcher, lookup)).toBe(false)
    expect(await checkTxt(resolver(() => dnsJson(0, [])).fetcher, lookup)).toBe(false)
  })

  it('is unreachable, not false, when the resolver fails (SERVFAIL, 5xx, not JSON, down)', async () => {
    const failures: (() => Response | Promise<Response>)[] = [
      () => dnsJson(2, []),
      () => new Response('busy', { status: 503 }),
      () => new Response('<html>', { status: 200 }),
      () => Response.json({ unexpected: true }),
      () => Promise.reject(new TypeError('fetch failed')),
    ]
    for (const failure of failures)
      expect(await checkTxt(resolver(failure).fetcher, lookup)).toBe('unreachable')
  })

  it('is unreachable when the answer is oversized', async () => {
    const data = `"${'x'.repeat(255)}"`
    const peer = resolver(() =>
      dnsJson(
        0,
        Array.from({ length: 400 }, () => ({ data })),
      ),
    )
    expect(await checkTxt(peer.fetcher, lookup)).toBe('unreachable')
  })

  it('is unreachable when the resolver does not answer in time', async () => {
    const peer = resolver(
      () =>
        new Promise<Response>(() => {
          /* never answers */
        }),
    )
    const hanging: typeof fetch = (input, init) =>
      Promise.race([
        peer.fetcher(input, init),
        new Promise<Response>((_, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        ),
      ])
    expect(await checkTxt(hanging, { ...lookup, timeoutMs: 50 })).toBe('unreachable')
  })
})

describe('txtText', () => {
  it('unescapes quotes, backslashes and decimal escapes', () => {
    expect(txtText('"a\\"b" "c\\\\d" "\\065"')).toBe('a"bc\\dA')
  })

  it('takes unquoted data as it is', () => {
    expect(txtText(expected)).toBe(expected)
  })
})
