// The README quotes the generated figures; this keeps the quotes equal to docs/benchmark.md and docs/robustness.md.
import { describe, expect, it } from 'vitest'
import readme from '../README.md?raw'
import benchmark from '../docs/benchmark.md?raw'
import robustness from '../docs/robustness.md?raw'

const robustnessBlock = /<!-- robustness figures: [^>]*-->\n([\s\S]*?)<!-- \/robustness figures -->/

const benchBlock = /<!-- bench summary: [^>]*-->\n([\s\S]*?)<!-- \/bench summary -->/

describe('README figures', () => {
  it('quotes the robustness summary docs/robustness.md was generated with', () => {
    const quoted = robustnessBlock.exec(readme)?.[1]
    const generated = robustnessBlock.exec(robustness)?.[1]
    expect(generated, 'docs/robustness.md has its summary (npm run figures)').toBeTruthy()
    expect(quoted).toBe(generated)
  })

  it('quotes the bench summary docs/benchmark.md was generated with', () => {
    const quoted = benchBlock.exec(readme)?.[1]
    const generated = benchBlock.exec(benchmark)?.[1]
    expect(generated, 'docs/benchmark.md has its summary (npm run bench)').toBeTruthy()
    expect(quoted).toBe(generated)
  })
})
