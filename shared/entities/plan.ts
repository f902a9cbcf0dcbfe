/** `plan`: the plan-wide fields of a case (one per document, the top-level map itself). */
import { z } from 'zod'
import { MAX_LONG_FIELD_CHARS } from '../limits.ts'
import { LADDER_RUNGS, ROUTES } from '../schema.ts'

export const planSchema = z.strictObject({
  goal: z.string().max(MAX_LONG_FIELD_CHARS)
    .describe("the long-term goal ('stip op de horizon'); concurrent typing merges"),
  route: z.enum(ROUTES).nullable()
    .describe("'werk eerst', 'zorg eerst', 'tegelijk'"),
  ladderNow: z.literal(LADDER_RUNGS).nullable()
    .describe('participatieladder rung now: 1 geïsoleerd … 6 betaald werk'),
  ladderGoal: z.literal(LADDER_RUNGS).nullable()
    .describe('participatieladder rung aimed for'),
})

/** `goal` is a Y.Text; once it exists it is edited, never replaced (that would lose concurrent typing). */
export const PLAN_TEXT_FIELDS = ['goal'] as const
