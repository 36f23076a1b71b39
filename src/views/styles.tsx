// The pages' stylesheets and one script, inlined; the CSP allows exactly these by their SHA-256.
import { raw } from 'hono/html'

const pageCss = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1d2330;background:#f5f6f8}
main{max-width:44rem;margin:0 auto;padding:2rem 1rem}h1{font-size:1.5rem;margin:0 0 1rem}
.card{background:#fff;border:1px solid #dde1e8;border-radius:10px;padding:1.25rem;margin:0 0 1rem}
label{display:block;margin:.5rem 0 .25rem;font-weight:600}input,select{width:100%;padding:.55rem;border:1px solid #c4cad4;border-radius:6px;font:inherit}
button{margin-top:.75rem;padding:.55rem 1rem;border:0;border-radius:6px;background:#2456d3;color:#fff;font:inherit;cursor:pointer}
button.secondary{background:#5b6475}.muted{color:#5b6475;font-size:.9rem}code{background:#eef0f4;padding:0 .25rem;border-radius:4px}
table{width:100%;border-collapse:collapse;font-size:.9rem}td,th{text-align:left;padding:.35rem;border-bottom:1px solid #e6e9ee;vertical-align:top}
.table{overflow-x:auto}.error{border-color:#d33}.ok{color:#17803d}.bad{color:#b3261e}
button:disabled{background:#c4cad4;color:#3d4452;cursor:not-allowed}a{color:#1d4bb8}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.field-error{color:#b3261e;margin:.25rem 0 0;font-size:.9rem}[aria-invalid=true]{border-color:#b3261e}
.tag{display:inline-block;padding:0 .4rem;border-radius:4px;font-size:.8rem;background:#fbe4e2;color:#8c1d15}
`

const consoleCss = `
main{max-width:76rem}h2{font-size:1.2rem;margin:1.5rem 0 .75rem}h3{margin:0 0 .25rem}h4{margin:1rem 0 .25rem;font-size:1rem}
.bar{display:flex;justify-content:space-between;align-items:center;gap:1rem}.bar h1{margin:0}.bar button{margin:0}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,22rem),1fr))}.grid>.card{margin:0}
.teams{grid-template-columns:repeat(auto-fit,minmax(min(100%,30rem),1fr))}
.notice{border-color:#17803d}dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .75rem;margin:.5rem 0}
dt{color:#5b6475}dd{margin:0;overflow-wrap:anywhere}ul{margin:.25rem 0;padding-left:1.25rem}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-start}.actions>*{flex:1 1 14rem}summary{cursor:pointer;margin-top:.75rem}
.inline{display:inline}.inline button{margin:0 0 0 .5rem;padding:.15rem .6rem}
.confirm{display:inline-block;margin-left:.5rem}.confirm summary{margin:0;color:#1d4bb8}.confirm form{margin:.25rem 0}
.check{display:flex;gap:.5rem;align-items:center;font-weight:400}.check input{width:auto}.table td:first-child,.table code{white-space:nowrap}
@media (max-width:32rem){dl{grid-template-columns:1fr}dd{margin-bottom:.35rem}}
.copy{margin:0 0 0 .5rem;padding:.1rem .55rem;font-size:.85rem}.steps{list-style:none;padding:0;margin:0}
.steps h2{margin-top:0}pre.mail{white-space:pre-wrap;overflow-wrap:anywhere;font:inherit;margin:0}.value{display:inline-flex;flex-wrap:wrap;align-items:center;gap:.25rem;max-width:100%}.value code{overflow-wrap:anywhere}
`

/**
 * The copy buttons of the setup page: hidden without JavaScript (every value is plain text to select), shown
 * and wired here; a copy is announced politely through the `copy-status` region. The only script any page runs.
 */
const copyJs = `document.querySelectorAll('button[data-copy]').forEach(function(b){b.hidden=false;b.addEventListener('click',function(){var t=document.getElementById(b.getAttribute('data-copy')),s=document.getElementById('copy-status');if(t&&navigator.clipboard)navigator.clipboard.writeText(t.textContent||'').then(function(){b.textContent='Copied';if(s)s.textContent=(b.getAttribute('aria-label')||'Copy').replace(/^Copy/,'Copied')},function(){})})})`

export const scripts = { copy: copyJs } as const

/** A script as it is served (raw, like the stylesheets, so its CSP hash matches). */
export const Script = (props: { name: keyof typeof scripts }) => (
  <>
    <p id="copy-status" class="sr-only" role="status" aria-live="polite"></p>
    <script>{raw(scripts[props.name])}</script>
  </>
)

export const stylesheets = { page: pageCss, console: consoleCss } as const

/** A stylesheet as it is served (raw: escaping would change the bytes its CSP hash names). */
export const Style = (props: { sheet: keyof typeof stylesheets }) => (
  <style>{raw(stylesheets[props.sheet])}</style>
)
