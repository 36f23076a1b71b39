// A DNS stand-in for local development (dev only): TXT records typed into the stand-in's dashboard, answered
// over the DNS-over-HTTPS JSON API, so a domain's proof works without a real DNS zone.

/** name → TXT values, as the customer would publish them in their DNS. */
const records = new Map()

const escape = (s) => String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

/** The path the worker's DNS_RESOLVER_URL points at under `npm run dev` and the browser tests. */
export const dohPath = '/dns-query'

/** Adds a TXT record (what a DNS provider's console does); returns a line for the dashboard. */
export function addTxtRecord(name, value) {
  const host = String(name ?? '')
    .trim()
    .toLowerCase()
    .replace(/\.$/, '')
  const text = String(value ?? '').trim()
  if (!host || !text) return 'Both a name and a value are needed.'
  records.set(host, [...(records.get(host) ?? []), text])
  return `TXT ${host} = ${text} published`
}

/** Cloudflare's DoH JSON shape for `?name=&type=TXT`: NXDOMAIN (Status 3) for an unknown name. */
export function dohAnswer(url) {
  const name = (url.searchParams.get('name') ?? '').toLowerCase().replace(/\.$/, '')
  const texts = records.get(name)
  if (!texts) return { Status: 3 }
  return {
    Status: 0,
    Answer: texts.map((text) => ({ name, type: 16, TTL: 60, data: JSON.stringify(text) })),
  }
}

/** The dashboard's card: the records published so far and a form for one more. */
export function dnsCard() {
  const rows = [...records]
    .flatMap(([name, texts]) =>
      texts.map((t) => `<li><code>${escape(name)}</code> TXT <code>${escape(t)}</code></li>`),
    )
    .join('')
  return `<div class="card"><h2>DNS (stand-in)</h2><p class="muted">Stands in for your DNS provider: publish the TXT record the setup page asks for.</p>
<ul>${rows || '<li class="muted">No records yet.</li>'}</ul>
<form method="post" action="/dashboard/dns"><label>Name <input name="name" id="dns-name" required></label>
<label>Value <input name="value" id="dns-value" required></label><button id="dns-publish">Publish TXT record</button></form></div>`
}
