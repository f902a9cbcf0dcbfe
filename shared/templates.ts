/**
 * Life-domain ('leefgebied') templates. Data, not code: a case is created from one of these and
 * copies its domains into the document, so later edits to a template never change existing plans.
 */

export interface TemplateDomain {
  key: string
  /** Professional label (Dutch), as the instrument names it. */
  nl: string
  en: string
  /** Plain-language label for residents (B1), where the instrument has one (Mijn ZRM). */
  plainNl?: string
  /** The same plain words in English, where the English label is itself jargon. */
  plainEn?: string
}

export interface ScaleLevel {
  value: number
  nl: string
  en: string
  /** The level in the resident's words (B1), for resident mode and print. */
  plainNl?: string
  plainEn?: string
}

export interface LifeDomainTemplate {
  id: string
  name: { nl: string; en: string }
  description: { nl: string; en: string }
  domains: readonly TemplateDomain[]
  /** A per-domain score scale, when the instrument has one. */
  scale: readonly ScaleLevel[] | null
}

export const DEFAULT_TEMPLATE_ID = 'integrale-intake'

const integraleIntake: LifeDomainTemplate = {
  id: DEFAULT_TEMPLATE_ID,
  name: { nl: 'Integrale intake', en: 'Integrated intake' },
  description: {
    nl: 'De acht leefgebieden van een gezamenlijke intake van zorg & welzijn en werk & inkomen.',
    en: 'The eight life domains of a joint intake by care & welfare and work & income.',
  },
  domains: [
    { key: 'work', nl: 'Werk & dagbesteding', en: 'Work & daytime activities' },
    { key: 'income_debts', nl: 'Inkomen & schulden', en: 'Income & debts' },
    { key: 'housing', nl: 'Wonen', en: 'Housing' },
    { key: 'physical_health', nl: 'Lichamelijke gezondheid', en: 'Physical health' },
    { key: 'mental_health', nl: 'Psychische gezondheid', en: 'Mental health' },
    { key: 'family', nl: 'Gezin & relaties', en: 'Family & relationships' },
    { key: 'network', nl: 'Sociaal netwerk', en: 'Social network' },
    { key: 'meaning', nl: 'Zingeving & meedoen', en: 'Meaning & taking part' },
  ],
  scale: null,
}

/** Zelfredzaamheid-Matrix (ZRM, GGD Amsterdam): 13 domains, scored 1–5. */
const zrm: LifeDomainTemplate = {
  id: 'zrm',
  name: { nl: 'Zelfredzaamheid-Matrix (ZRM)', en: 'Self-Sufficiency Matrix (ZRM)' },
  description: {
    nl: 'De 13 domeinen van de Zelfredzaamheid-Matrix, elk met een score van 1 tot 5.',
    en: 'The 13 domains of the Self-Sufficiency Matrix, each scored from 1 to 5.',
  },
  domains: [
    { key: 'finances', nl: 'Financiën', en: 'Finances', plainNl: 'Geldzaken', plainEn: 'Money matters' },
    { key: 'work_education', nl: 'Werk & opleiding', en: 'Work & education', plainNl: 'Werk en opleiding' },
    { key: 'time_use', nl: 'Tijdsbesteding', en: 'Use of time', plainNl: 'Tijdsbesteding' },
    { key: 'housing', nl: 'Huisvesting', en: 'Housing', plainNl: 'Woning' },
    { key: 'domestic_relations', nl: 'Huiselijke relaties', en: 'Domestic relations', plainNl: 'Relaties thuis', plainEn: 'Relationships at home' },
    { key: 'mental_health', nl: 'Geestelijke gezondheid', en: 'Mental health', plainNl: 'Geestelijke gezondheid' },
    { key: 'physical_health', nl: 'Lichamelijke gezondheid', en: 'Physical health', plainNl: 'Lichamelijke gezondheid' },
    { key: 'substance_use', nl: 'Middelengebruik', en: 'Substance use', plainNl: 'Verslaving', plainEn: 'Addiction' },
    { key: 'basic_adl', nl: 'Basale ADL', en: 'Basic activities of daily living', plainNl: 'Zelfzorg', plainEn: 'Looking after yourself' },
    { key: 'instrumental_adl', nl: 'Instrumentele ADL', en: 'Instrumental activities of daily living', plainNl: 'Dagelijkse activiteiten', plainEn: 'Everyday tasks' },
    { key: 'social_network', nl: 'Sociaal netwerk', en: 'Social network', plainNl: 'Sociaal netwerk' },
    { key: 'community_participation', nl: 'Maatschappelijke participatie', en: 'Community participation', plainNl: 'Inzet voor de maatschappij', plainEn: 'Taking part in society' },
    { key: 'justice', nl: 'Justitie', en: 'Justice', plainNl: 'Justitie' },
  ],
  scale: [
    { value: 1, nl: 'Acute problematiek', en: 'Acute problems', plainNl: 'Het gaat nu helemaal niet', plainEn: 'Things are not going at all right now' },
    { value: 2, nl: 'Niet zelfredzaam', en: 'Not self-sufficient', plainNl: 'Het lukt niet zonder hulp', plainEn: 'It does not work without help' },
    { value: 3, nl: 'Beperkt zelfredzaam', en: 'Limited self-sufficiency', plainNl: 'Het lukt met wat hulp', plainEn: 'It works with some help' },
    { value: 4, nl: 'Voldoende zelfredzaam', en: 'Adequately self-sufficient', plainNl: 'Het lukt zelf', plainEn: 'I manage on my own' },
    { value: 5, nl: 'Volledig zelfredzaam', en: 'Fully self-sufficient', plainNl: 'Het gaat helemaal goed', plainEn: 'Things go fully well' },
  ],
}

/** Positieve Gezondheid (Machteld Huber): 6 dimensions, in the plain wording residents know. */
const positieveGezondheid: LifeDomainTemplate = {
  id: 'positieve-gezondheid',
  name: { nl: 'Positieve Gezondheid', en: 'Positive Health' },
  description: {
    nl: 'De zes dimensies van Positieve Gezondheid: het gesprek begint bij wat de inwoner belangrijk vindt.',
    en: 'The six dimensions of Positive Health: the conversation starts from what matters to the resident.',
  },
  domains: [
    { key: 'body', nl: 'Lichaamsfuncties', en: 'Bodily functions', plainNl: 'Lichaam', plainEn: 'Body' },
    { key: 'mental_wellbeing', nl: 'Mentaal welbevinden', en: 'Mental wellbeing', plainNl: 'Gevoelens en gedachten', plainEn: 'Feelings and thoughts' },
    { key: 'meaning', nl: 'Zingeving', en: 'Meaningfulness', plainNl: 'Zingeving' },
    { key: 'quality_of_life', nl: 'Kwaliteit van leven', en: 'Quality of life', plainNl: 'Kwaliteit van leven' },
    { key: 'participation', nl: 'Meedoen', en: 'Participation', plainNl: 'Meedoen' },
    { key: 'daily_functioning', nl: 'Dagelijks functioneren', en: 'Daily functioning', plainNl: 'Dagelijks leven', plainEn: 'Daily life' },
  ],
  scale: null,
}

export const TEMPLATES: readonly LifeDomainTemplate[] = [integraleIntake, zrm, positieveGezondheid]

export function getTemplate(id: string): LifeDomainTemplate | undefined {
  return TEMPLATES.find((t) => t.id === id)
}

/**
 * A life domain's label for one reader. `plain`: the resident's words (Mijn ZRM: 'Zelfzorg', not
 * 'Basale ADL') — use it on every screen a resident reads (resident mode, print, the join page).
 * `fallback`: the label stored in the document (it may have been renamed at the table); it wins
 * over the instrument's Dutch label, and is used as is for a domain no template knows.
 */
export function domainLabel(
  template: LifeDomainTemplate | string | null | undefined, key: string, locale: 'nl' | 'en',
  opts: { plain?: boolean; fallback?: string } = {},
): string {
  const tpl = typeof template === 'string' ? getTemplate(template) : template
  const d = tpl?.domains.find((x) => x.key === key)
  if (!d) return opts.fallback ?? key
  if (locale === 'en') return (opts.plain ? d.plainEn : undefined) ?? d.en
  if (opts.plain && d.plainNl) return d.plainNl
  return opts.fallback ?? d.nl
}

/** A score level's words (ZRM 1–5): `plain` for the resident ('Het lukt met wat hulp', not 'Beperkt zelfredzaam'). */
export function scaleLabel(level: ScaleLevel, locale: 'nl' | 'en', opts: { plain?: boolean } = {}): string {
  if (locale === 'en') return (opts.plain ? level.plainEn : undefined) ?? level.en
  return (opts.plain ? level.plainNl : undefined) ?? level.nl
}

export const DOMAIN_SIZE = { w: 520, h: 380 }
const DOMAIN_GAP = 40

/**
 * Where a template's domains go on the canvas: a grid around the resident in the middle
 * (the centre cell stays free for the resident and the long-term goal).
 */
export function layoutDomains(count: number): { x: number; y: number }[] {
  const cols = count <= 8 ? 3 : count <= 15 ? 4 : 5
  const cellW = DOMAIN_SIZE.w + DOMAIN_GAP
  const cellH = DOMAIN_SIZE.h + DOMAIN_GAP
  const positions: { x: number; y: number }[] = []
  // Fill cells row by row, skipping the centre cell(s) so the resident sits in the middle.
  const rows = Math.ceil((count + (cols === 4 ? 2 : 1)) / cols)
  const centreRow = Math.floor((rows - 1) / 2)
  const centreCols = cols === 4 ? [1, 2] : [Math.floor(cols / 2)]
  for (let r = 0; positions.length < count; r++) {
    for (let c = 0; c < cols && positions.length < count; c++) {
      if (r === centreRow && centreCols.includes(c)) continue
      positions.push({ x: (c - (cols - 1) / 2) * cellW - DOMAIN_SIZE.w / 2, y: (r - centreRow) * cellH - DOMAIN_SIZE.h / 2 })
    }
  }
  return positions
}
