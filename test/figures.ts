// Robustness figures: cases report their outcome into the test's meta; scripts/figures.mjs tallies them.
import { expect, type TestContext } from 'vitest'
import { expectRefusal, type Rig } from './harness'
import { query } from './rows'

/** What one test contributes to docs/robustness.md. */
export interface CaseFigures {
  area: string
  refused: number
  accepted: number
  /** Fuzz requests answered cleanly (below 500, no internals, nothing written). */
  handled: number
  /** 5xx answers a case asked for (a clean 502 when the IdP fails, 503 when storage does). */
  expected5xx: number
  /** 5xx answers nobody asked for: the goal is 0. */
  unexpected5xx: number
  /** Refusals checked to leave the users, memberships, identities and sessions tables as they were. */
  refusalsCheckedForWrites: number
}

declare module 'vitest' {
  interface TaskMeta {
    robustness?: CaseFigures
  }
}

const guardedTables = ['users', 'memberships', 'identities', 'sessions'] as const

type RowCounts = Record<(typeof guardedTables)[number], number>

async function rowCounts(): Promise<RowCounts> {
  const select = guardedTables.map((t) => `(select count(*) from ${t}) as ${t}`).join(', ')
  const [row] = await query<RowCounts>(`select ${select}`)
  return row!
}

const rowsAdded = (before: RowCounts, after: RowCounts) =>
  guardedTables.reduce((sum, t) => sum + Math.max(0, after[t] - before[t]), 0)

/**
 * One test's tally over a rig (published to docs/robustness.md when the test's context is given): counts every 5xx the rig answers, takes row-count baselines, and checks
 * each refusal's outcome (status, stable code, its event row, no rows written) before counting it.
 */
export class Tally {
  readonly figures: CaseFigures
  #fivexxSeen = 0
  #baseline: RowCounts | undefined

  constructor(
    private readonly ctx: TestContext | undefined,
    area: string,
  ) {
    this.figures = {
      area,
      refused: 0,
      accepted: 0,
      handled: 0,
      expected5xx: 0,
      unexpected5xx: 0,
      refusalsCheckedForWrites: 0,
    }
    this.#publish()
  }

  /** Counts the 5xx answers of this rig's fetch and admin calls from now on. */
  watch(rig: Rig): this {
    const { fetch, admin } = rig
    rig.fetch = async (...args) => this.observe(await fetch(...args))
    rig.admin = async (...args) => this.observe(await admin(...args))
    return this
  }

  /** Counts one answer the worker gave (for requests sent around the rig's fetch). */
  observe(response: Response): Response {
    if (response.status >= 500) this.#fivexxSeen++
    this.#publish()
    return response
  }

  /** The row counts a following refusal must leave unchanged. */
  async baseline(): Promise<void> {
    this.#baseline = await rowCounts()
  }

  /**
   * Asserts a refusal's outcome and counts it: status and code, no internals, its event row, and (when a
   * baseline() was taken) no rows written since. `status` ≥ 500 marks that answer as an expected 5xx.
   */
  async refused(
    response: Response,
    expected: { status: number; code: string },
  ): Promise<Awaited<ReturnType<typeof expectRefusal>>> {
    if (expected.status >= 500 && response.status === expected.status) this.figures.expected5xx++
    const written = this.#baseline ? rowsAdded(this.#baseline, await rowCounts()) : 0
    const refusal = await expectRefusal(response, expected)
    expect(written, 'rows written by a refused attempt').toBe(0)
    if (this.#baseline) this.figures.refusalsCheckedForWrites++
    this.figures.refused++
    this.#publish()
    return refusal
  }

  /** Counts a refusal the caller has already asserted (its status and code) by other means. */
  countRefused(): void {
    this.figures.refused++
    this.#publish()
  }

  /** Counts a case that was expected to succeed and did (the caller has asserted the success). */
  accepted(): void {
    this.figures.accepted++
    this.#publish()
  }

  /** Counts a fuzz request answered cleanly (the caller has asserted what "cleanly" means). */
  handled(): void {
    this.figures.handled++
    this.#publish()
  }

  #publish() {
    this.figures.unexpected5xx = this.#fivexxSeen - this.figures.expected5xx
    if (this.ctx) this.ctx.task.meta.robustness = { ...this.figures }
  }
}
