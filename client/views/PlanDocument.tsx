/**
 * The plan as text in plain words (B1): the goal, route, ladder, each life domain with what is
 * difficult / what I want / what goes well, and the agreed actions as a table. Used on the
 * printable page and beside a snapshot's board. All user text is rendered as React text.
 */
import { isOverdue, type Plan } from '../../shared/derivePlan.ts'
import { todayInNL } from '../../shared/diffPlans.ts'
import { stringsFor } from '../board/strings.ts'
import { useI18n, type MessageKey } from '../i18n.ts'
import { Term } from '../components/Term.tsx'
import { formatDue, groupPlanForPrint, type PrintItem } from '../planText.ts'

/** `forResident`: written to the resident ('door mij'); otherwise about them ('door inwoner'). */
export function PlanDocument({ plan, headingLevel = 2, forResident = true }: { plan: Plan; headingLevel?: 2 | 3; forResident?: boolean }) {
  const { t, locale } = useI18n()
  const s = stringsFor(locale)
  const p = groupPlanForPrint(plan, locale)
  const H = headingLevel === 2 ? 'h2' : 'h3'
  const H2 = headingLevel === 2 ? 'h3' : 'h4'
  const H3 = headingLevel === 2 ? 'h4' : 'h5'
  const today = todayInNL()
  const mine = forResident ? t('printMine') : s.byResident
  const rung = (r: number | null) => (r ? t(`ladder${r}` as MessageKey) : '—')
  return (
    <div className="plan-doc" data-testid="plan-doc">
      <section className="plan-doc-goal">
        <H>{t('printGoal')}</H>
        <p data-testid="print-goal" className={p.goal ? 'goal-text' : 'empty'}>{p.goal || t('printNoGoal')}</p>
      </section>
      {(p.route || p.ladderNow || p.ladderGoal) && (
        <dl className="plan-doc-facts">
          {p.route && (
            <>
              <dt><Term term="route">{t('printRoute')}</Term></dt>
              <dd data-testid="print-route">{t(`route_${p.route}`)}</dd>
            </>
          )}
          {(p.ladderNow || p.ladderGoal) && (
            <>
              <dt><Term term="ladder">{t('printLadder')}</Term></dt>
              <dd data-testid="print-ladder">
                {t('printLadderNow')}: {rung(p.ladderNow)} · {t('printLadderGoal')}: {rung(p.ladderGoal)}
              </dd>
            </>
          )}
        </dl>
      )}
      <section>
        <H>{t('printDomains')}</H>
        {p.domains.length === 0 && <p className="empty">{t('printNoItems')}</p>}
        {p.domains.map((d) => (
          <section className="plan-doc-domain" key={d.id || 'none'} data-testid="print-domain">
            <H2>{d.label}</H2>
            <ItemGroup title={t('printProblems')} items={d.problems} testid="print-problems" mine={mine} H={H3} />
            <ItemGroup title={t('printWishes')} items={d.wishes} testid="print-wishes" mine={mine} H={H3} />
            <ItemGroup title={t('printStrengths')} items={d.strengths} testid="print-strengths" mine={mine} H={H3} />
            <ItemGroup title={t('printNotes')} items={d.notes} testid="print-notes" mine={mine} H={H3} />
          </section>
        ))}
      </section>
      <section>
        <H>{t('printActions')}</H>
        {p.actions.length === 0 ? (
          <p className="empty">{t('printNoActions')}</p>
        ) : (
          <div className="table-scroll"><table className="plan-doc-actions" data-testid="print-actions">
            <thead>
              <tr>
                <th scope="col">{t('what')}</th>
                <th scope="col">{t('who')}</th>
                <th scope="col">{t('when')}</th>
                <th scope="col">{t('status')}</th>
              </tr>
            </thead>
            <tbody>
              {p.actions.map((a) => (
                <tr key={a.id} data-testid="print-action">
                  <td>{a.text.trim() || '—'}</td>
                  <td>{[a.owner, a.ownerOrg].filter(Boolean).join(', ') || '—'}</td>
                  <td>{a.due ? formatDue(a.due, locale) : '—'}</td>
                  <td>{s.status[a.status]}{isOverdue(a, today) && <strong className="late"> — {t('printLate')}</strong>}</td>
                </tr>
              ))}
            </tbody>
          </table></div>
        )}
      </section>
    </div>
  )
}

function ItemGroup({ title, items, testid, mine, H }: { title: string; items: PrintItem[]; testid: string; mine: string; H: 'h4' | 'h5' }) {
  const { t } = useI18n()
  if (items.length === 0) return null
  return (
    <div className="plan-doc-group" data-testid={testid}>
      <H className="plan-doc-group-title">{title}</H>
      <ul>
        {items.map((i) => (
          <li key={i.id}>
            {i.text || '—'}
            {i.stress && <strong className="first"> ({t('printFirst')})</strong>}
            {i.byResident && <span className="mine"> — {mine}</span>}
          </li>
        ))}
      </ul>
    </div>
  )
}
