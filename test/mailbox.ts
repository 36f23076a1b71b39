// The mails the rig's `send_email` binding was handed, and the links in them a person would click.
import { publicOrigin, type Rig } from './harness'

/** A mail as the rig's `send_email` binding was handed it. */
export interface SentMail {
  to: string
  subject: string
  text: string
}

/** The newest mail to `to`, or a failure naming what was sent. */
export function lastMailTo(rig: Rig, to: string): SentMail {
  const mail = rig.mails.findLast((m) => m.to === to)
  if (!mail) throw new Error(`no mail to ${to}; sent: ${rig.mails.map((m) => m.to).join(', ')}`)
  return mail
}

/** The path of the link to our origin in `mail` that starts with `prefix` (as a person would click it). */
export function linkIn(mail: SentMail, prefix: string): string {
  const link = mail.text.split(/\s+/).find((word) => word.startsWith(`${publicOrigin}${prefix}`))
  if (!link) throw new Error(`no ${prefix} link in: ${mail.text}`)
  return link.slice(publicOrigin.length)
}
