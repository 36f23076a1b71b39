// Outgoing mail through the Cloudflare Email Service `send_email` binding, kept in the dev outbox when that is on.
import { keepInOutbox } from './outbox'

export interface Mail {
  to: string
  subject: string
  text: string
  html: string
}

export interface MailDeps {
  /** The `send_email` binding (`env.EMAIL`). */
  email: Pick<SendEmail, 'send'>
  /** The sender, `MAIL_FROM`: `name <address>` or a bare address. */
  from: string
  /** The KV namespace of the dev outbox, only when `outboxEnabled()` said yes. */
  outbox?: KVNamespace
  now?: () => number
}

/** `MAIL_FROM` as the binding takes it: `edge-sso <no-reply@example.com>` becomes name and address. */
export function sender(from: string): string | EmailAddress {
  const match = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from)
  if (!match) return from.trim()
  const [, name = '', email = ''] = match
  return name ? { name: name.replace(/^"(.*)"$/, '$1'), email } : email
}

// A header value on one line: a team name in a subject must not start a header of its own.
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim()

/**
 * Sends `mail` from `deps.from`; with the dev outbox on, keeps it there first, so a developer can read
 * the link even when the local binding fails. The binding's error is not caught: the caller decides.
 * @see https://developers.cloudflare.com/email-service/api/send-emails/workers-api/
 */
export async function sendMail(deps: MailDeps, mail: Mail): Promise<{ messageId: string }> {
  const message = { ...mail, to: oneLine(mail.to), subject: oneLine(mail.subject) }
  if (deps.outbox) await keepInOutbox(deps.outbox, message, (deps.now ?? Date.now)())
  return deps.email.send({
    from: sender(deps.from),
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
  })
}
