/** Everyone connected to the case, from awareness: coloured dot, name, organisation, role. */
import { useEffect, useState } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import { readPresence, type PresenceUser } from '../../shared/awareness.ts'
import { useI18n } from '../i18n.ts'

export function PresenceList({ awareness }: { awareness: Awareness }) {
  const { t } = useI18n()
  const [people, setPeople] = useState<{ id: number; user: PresenceUser; self: boolean }[]>([])
  useEffect(() => {
    const update = () => {
      const list: { id: number; user: PresenceUser; self: boolean }[] = []
      for (const [id, state] of awareness.getStates()) {
        const p = readPresence(state)
        if (p) list.push({ id, user: p.user, self: id === awareness.clientID })
      }
      list.sort((a, b) => Number(b.self) - Number(a.self) || a.user.name.localeCompare(b.user.name))
      setPeople(list)
    }
    update()
    awareness.on('change', update)
    return () => awareness.off('change', update)
  }, [awareness])
  return (
    <ul className="presence" data-testid="presence-list" aria-label={t('present')}>
      {people.map(({ id, user, self }) => (
        <li key={id} title={`${user.name}${user.org ? `, ${user.org}` : ''} (${t(`role_${user.role}`)})`}>
          <span className="dot" style={{ background: user.color }} aria-hidden="true" />
          <span className="who">{user.name}{self ? ` (${t('you')})` : ''}</span>
          <span className="muted">{user.org || t(`role_${user.role}`)}</span>
        </li>
      ))}
    </ul>
  )
}
