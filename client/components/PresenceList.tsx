/** Everyone connected to the case, from awareness: coloured dot, name, organisation, role. */
import { useEffect, useState } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import { readPresence, type PresenceUser } from '../../shared/awareness.ts'
import { useI18n } from '../i18n.ts'

export interface Present {
  id: number
  user: PresenceUser
  self: boolean
}

/** The people in an awareness, oneself first, then by name. Entries without a valid user are left out. */
export function presentPeople(states: Map<number, unknown>, selfId: number): Present[] {
  const list: Present[] = []
  for (const [id, state] of states) {
    const p = readPresence(state)
    if (p) list.push({ id, user: p.user, self: id === selfId })
  }
  return list.sort((a, b) => Number(b.self) - Number(a.self) || a.user.name.localeCompare(b.user.name) || a.id - b.id)
}

export function PresenceList({ awareness }: { awareness: Awareness }) {
  const { t } = useI18n()
  const [people, setPeople] = useState<Present[]>([])
  useEffect(() => {
    const update = () => setPeople(presentPeople(awareness.getStates(), awareness.clientID))
    update()
    awareness.on('change', update)
    return () => awareness.off('change', update)
  }, [awareness])
  return (
    <ul className="presence" data-testid="presence-list" aria-label={t('present')}>
      {people.map(({ id, user, self }) => (
        <li key={id} data-role={user.role}>
          <span className="dot" style={{ background: user.color }} aria-hidden="true" />
          <span className="who">{user.name}{self ? ` (${t('you')})` : ''}</span>
          <span className="muted">
            {user.org ? `${user.org} · ` : ''}{t(`role_${user.role}`)}
          </span>
        </li>
      ))}
    </ul>
  )
}
