// The page frame every HTML view shares: one small stylesheet, readable at 1280 px and on a phone.
import type { Child } from 'hono/jsx'

const css = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1d2330;background:#f5f6f8}
main{max-width:44rem;margin:0 auto;padding:2rem 1rem}h1{font-size:1.5rem;margin:0 0 1rem}
.card{background:#fff;border:1px solid #dde1e8;border-radius:10px;padding:1.25rem;margin:0 0 1rem}
label{display:block;margin:.5rem 0 .25rem;font-weight:600}input,select{width:100%;padding:.55rem;border:1px solid #c4cad4;border-radius:6px;font:inherit}
button{margin-top:.75rem;padding:.55rem 1rem;border:0;border-radius:6px;background:#2456d3;color:#fff;font:inherit;cursor:pointer}
button.secondary{background:#5b6475}.muted{color:#5b6475;font-size:.9rem}code{background:#eef0f4;padding:0 .25rem;border-radius:4px}
table{width:100%;border-collapse:collapse;font-size:.9rem}td,th{text-align:left;padding:.35rem;border-bottom:1px solid #e6e9ee;vertical-align:top}
.table{overflow-x:auto}.error{border-color:#d33}.ok{color:#17803d}.bad{color:#b3261e}
`

export function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · edge-sso`}</title>
        <style>{css}</style>
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  )
}
