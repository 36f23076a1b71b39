// The page frame every HTML view shares: one small stylesheet, readable at 1280 px and on a phone.
import type { Child } from 'hono/jsx'
import { Style } from './styles'

export function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · edge-sso`}</title>
        <Style sheet="page" />
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  )
}
