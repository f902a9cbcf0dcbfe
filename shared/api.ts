/**
 * The JSON API's request and response shapes (documented in README.md). Request bodies are
 * validated on the server with these same rules.
 */
import { z } from 'zod'
import { DEFAULT_INVITE_HOURS, MAX_INVITE_HOURS, MAX_TITLE_CHARS } from './limits.ts'
import { ROLES, type Role } from './schema.ts'
import { TEMPLATES, DEFAULT_TEMPLATE_ID } from './templates.ts'

export const CreateCaseBody = z.object({
  title: z.string().trim().min(1, 'Geef de casus een titel.').max(MAX_TITLE_CHARS, `De titel mag hoogstens ${MAX_TITLE_CHARS} tekens hebben.`),
  template: z.enum(TEMPLATES.map((t) => t.id) as [string, ...string[]]).default(DEFAULT_TEMPLATE_ID),
}).strict()
export type CreateCaseBody = z.infer<typeof CreateCaseBody>

export const CreateInviteBody = z.object({
  role: z.enum(ROLES),
  expiresInHours: z.number().positive().max(MAX_INVITE_HOURS).default(DEFAULT_INVITE_HOURS),
}).strict()
export type CreateInviteBody = z.infer<typeof CreateInviteBody>

export const LoginBody = z.object({ key: z.string().min(1).max(200) }).strict()

/** A case as the API returns it. */
export interface CaseSummary {
  id: string
  title: string
  template: string
  createdAt: string
  updatedAt: string
}

export interface InviteCreated {
  token: string
  url: string
  role: Role
  caseId: string
  expiresAt: string
}

/**
 * Who the caller is (GET /api/me). `scope: 'org'` — an organisation-wide session (professional,
 * coordinator); `scope: 'case'` — an invite for one case.
 */
export interface Me {
  role: Role
  scope: 'org' | 'case'
  caseId: string | null
  canWrite: boolean
}
