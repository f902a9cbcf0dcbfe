import type { ConnectionState } from '../connection.ts'
import { useI18n } from '../i18n.ts'

export function ConnectionBadge({ state }: { state: ConnectionState }) {
  const { t } = useI18n()
  return (
    <span className={`conn conn-${state}`} data-testid="connection-state" data-state={state} role="status" aria-live="polite">
      <span className="dot" aria-hidden="true" />
      {t(`conn_${state}`)}
    </span>
  )
}
