/**
 * The plan-wide fields: the long-term goal ('stip op de horizon'; in resident mode the question
 * 'Wat wilt u over een jaar bereikt hebben?'), the route and the participation ladder now and as
 * goal — with plain explanations in resident mode.
 */
import { parts, readPlanFields, setGoal, updatePlan } from '../../shared/doc.ts'
import { MAX_LONG_FIELD_CHARS } from '../../shared/limits.ts'
import { LADDER_RUNGS, ROUTES, isLadderRung, isRoute } from '../../shared/schema.ts'
import type { MessageKey } from '../i18n.ts'
import { BoundText } from './BoundText.tsx'
import { usePlanView } from './context.ts'

export function PlanFields() {
  const ctx = usePlanView()
  const { doc, t, readOnly, residentMode } = ctx
  const plan = readPlanFields(doc)
  return (
    <div className="pv-fields">
      <div className="pv-field">
        <label htmlFor="pv-goal">{residentMode ? t('pv_goalResident') : t('goal')}</label>
        <p className="help" id="pv-goal-help">{residentMode ? t('pv_goalResidentHelp') : t('goalHelp')}</p>
        <BoundText
          id="pv-goal" testId="plan-goal" rows={3} maxLength={MAX_LONG_FIELD_CHARS} readOnly={readOnly}
          aria-describedby="pv-goal-help" map={parts(doc).plan} field="goal" write={(v) => setGoal(doc, v)}
        />
      </div>
      <div className="pv-field">
        <label htmlFor="pv-route">{t('route')}</label>
        {residentMode && <p className="help" id="pv-route-help">{t('term_route')}</p>}
        <select
          id="pv-route" data-testid="plan-route" disabled={readOnly} value={plan.route ?? ''}
          aria-describedby={residentMode ? 'pv-route-help' : undefined}
          onChange={(e) => { const v = e.currentTarget.value; ctx.write(() => updatePlan(doc, { route: isRoute(v) ? v : null })) }}
        >
          <option value="">{t('routeNone')}</option>
          {ROUTES.map((r) => <option key={r} value={r}>{t(`route_${r}` as MessageKey)}</option>)}
        </select>
      </div>
      {residentMode && <p className="help" id="pv-ladder-help">{t('term_ladder')}</p>}
      {(['ladderNow', 'ladderGoal'] as const).map((field) => (
        <div className="pv-field" key={field}>
          <label htmlFor={`pv-${field}`}>{t(field)}</label>
          <select
            id={`pv-${field}`} data-testid={field === 'ladderNow' ? 'plan-ladder-now' : 'plan-ladder-goal'} disabled={readOnly}
            value={plan[field] ?? ''} aria-describedby={residentMode ? 'pv-ladder-help' : undefined}
            onChange={(e) => {
              const n = Number(e.currentTarget.value)
              ctx.write(() => updatePlan(doc, { [field]: isLadderRung(n) ? n : null }))
            }}
          >
            <option value="">{t('ladderNone')}</option>
            {LADDER_RUNGS.map((r) => <option key={r} value={r}>{t(`ladder${r}` as MessageKey)}</option>)}
          </select>
        </div>
      ))}
    </div>
  )
}
