// The README quotes the generated figures; this keeps the quotes equal to docs/benchmark.md and docs/robustness.md.
import { describe, expect, it } from 'vitest'
import readme from '../README.md?raw'
import benchmark from '../docs/benchmark.md?raw'
import robustness from '../docs/robustness.md?raw'

const robustnessBlock = /<!-- robustness figures: [^>]*-->\n([\s\S]*?)<!-- \/robustness figures -->/

/** The rows of the README's speed table, below its "| measure | goal |" header. */
function speedRows(text: string): string[] {
  const start = text.indexOf('| measure | goal | edge-sso | @hono/oidc-auth |')
  expect(start, 'the README speed table').toBeGreaterThan(-1)
  const lines = text.slice(start).split('\n')
  return lines.slice(
    2,
    lines.findIndex((l, i) => i > 1 && !l.startsWith('|')),
  )
}

describe('README figures', () => {
  it('quotes the robustness summary docs/robustness.md was generated with', () => {
    const quoted = robustnessBlock.exec(readme)?.[1]
    const generated = robustnessBlock.exec(robustness)?.[1]
    expect(generated, 'docs/robustness.md has its summary (npm run figures)').toBeTruthy()
    expect(quoted).toBe(generated)
  })

  it('takes every speed and size figure of its table from docs/benchmark.md', () => {
    const rows = speedRows(readme)
    expect(rows.length).toBeGreaterThan(3)
    const figures = rows.flatMap((row) =>
      [...row.matchAll(/\d+(?:\.\d+)?(?: ms| KiB|×|%)/g)].map((m) => m[0]),
    )
    expect(figures.length).toBeGreaterThan(8)
    // Goals ("≤ 10 ms", "< 100 KiB", "5%", "2.5×") are the README's own; every measured figure must be in the report.
    const goals = new Set(['5 ms', '10 ms', '15 ms', '100 KiB', '5%', '2.5×', '10×'])
    for (const figure of figures.filter((f) => !goals.has(f)))
      expect(benchmark, `README figure ${figure}`).toContain(figure)
  })
})
