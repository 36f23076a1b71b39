// The dev outbox as a page: the mail kept for one address, its links clickable (dev only, on loopback).
import type { OutboxMessage } from '../mail/outbox'
import { Layout } from './layout'
import { Style } from './styles'

/** A mail's text with its http(s) links made clickable (the rest stays plain text). */
function Linked(props: { text: string }) {
  const parts = props.text.split(/(https?:\/\/[^\s<>"]+)/)
  return (
    <pre class="mail">
      {parts.map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part))}
    </pre>
  )
}

export function OutboxPage(props: { to: string | undefined; messages: OutboxMessage[] }) {
  const { to, messages } = props
  return (
    <Layout title="Mail outbox">
      <Style sheet="console" />
      <h1>Mail outbox (local development)</h1>
      <form method="get" action="/dev/outbox" class="card" role="search">
        <label for="outbox-to">Whose mail?</label>
        <input id="outbox-to" name="to" type="email" required value={to} />
        <button type="submit">Show mail</button>
        <p class="muted">
          Every mail the worker sends under <code>npm run dev</code>, kept for a day. The same list
          as JSON: send <code>Accept: application/json</code>.
        </p>
      </form>
      {to === undefined ? null : messages.length === 0 ? (
        <p class="card" data-testid="outbox-empty">
          No mail for <code>{to}</code> yet.
        </p>
      ) : (
        messages.map((m) => (
          <article class="card" data-testid="outbox-message">
            <h2>{m.subject}</h2>
            <p class="muted">
              To {m.to} · {m.at.slice(0, 19).replace('T', ' ')} UTC
            </p>
            <Linked text={m.text} />
          </article>
        ))
      )}
    </Layout>
  )
}
