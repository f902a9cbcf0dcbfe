/**
 * A domain's name as the board's controls show it: the template's words in the UI language, and in
 * resident mode the plain words of the instrument ('Mijn ZRM': 'Geldzaken' for 'Financiën').
 * A label someone changed in the document is shown as written.
 */
import type { DomainFields } from '../../../shared/schema.ts'
import { getTemplate } from '../../../shared/templates.ts'

export function domainLabel(
  d: Pick<DomainFields, 'label' | 'key'>,
  ctx: { locale: 'nl' | 'en'; templateId: string; residentMode: boolean },
): string {
  const t = getTemplate(ctx.templateId)?.domains.find((x) => x.key === d.key)
  if (!t || (d.label !== t.nl && d.label !== t.en)) return d.label
  if (ctx.locale === 'nl') return ctx.residentMode ? t.plainNl ?? t.nl : t.nl
  return ctx.residentMode ? t.plainEn ?? t.en : t.en
}
