// Dev harness: two Boards on two Y.Docs (and two awarenesses) synced in the page.
// Serve: npx vite --port 5199 client/board/dev   (query: ?locale=en&readOnly=1&template=zrm&single=1&resident=1)
import { createRoot } from 'react-dom/client'
import * as Y from 'yjs'
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness'
import { addItem, addLink, initCaseDoc, listDomains, setGoal, updateItem, updatePlan } from '../../../shared/doc.ts'
import { Board } from '../Board.tsx'
import { MeetingViewContext, type MeetingView } from '../../meeting/view.ts'

const q = new URLSearchParams(location.search)
const locale = q.get('locale') === 'en' ? 'en' : 'nl'
const template = q.get('template') ?? 'integrale-intake'

const a = new Y.Doc()
const b = new Y.Doc()
initCaseDoc(a, template)
a.on('update', (u: Uint8Array, o: unknown) => { if (o !== 'peer') Y.applyUpdate(b, u, 'peer') })
b.on('update', (u: Uint8Array, o: unknown) => { if (o !== 'peer') Y.applyUpdate(a, u, 'peer') })
Y.applyUpdate(b, Y.encodeStateAsUpdate(a), 'peer')
const awA = new Awareness(a)
const awB = new Awareness(b)
awA.on('update', ({ added, updated, removed }: Record<string, number[]>, o: unknown) => {
  if (o !== 'peer') applyAwarenessUpdate(awB, encodeAwarenessUpdate(awA, [...added!, ...updated!, ...removed!]), 'peer')
})
awB.on('update', ({ added, updated, removed }: Record<string, number[]>, o: unknown) => {
  if (o !== 'peer') applyAwarenessUpdate(awA, encodeAwarenessUpdate(awB, [...added!, ...updated!, ...removed!]), 'peer')
})

if (q.get('demo') !== '0') {
  const d = listDomains(a)
  const pro = { name: 'Sanne de Vries', org: 'Sociaal wijkteam', role: 'professional' as const }
  const res = { name: 'Fatima', org: '', role: 'resident' as const }
  setGoal(a, 'Over een jaar werk ik drie dagen per week en heb ik geen schulden meer.')
  updatePlan(a, { route: 'parallel', ladderNow: 2, ladderGoal: 5 })
  const at = (i: number, dx: number, dy: number) => ({ x: d[i]!.pos.x + 16 + dx, y: d[i]!.pos.y + 60 + dy })
  const debt = addItem(a, { kind: 'problem', text: 'Schulden bij energie en zorgverzekering (± € 6.000)', pos: at(1, 0, 0), domainId: d[1]!.id, author: pro, stress: true })
  const sleep = addItem(a, { kind: 'problem', text: 'Slaapt slecht door zorgen', pos: at(4, 0, 0), domainId: d[4]!.id, author: pro })
  const wish = addItem(a, { kind: 'wish', text: 'Ik wil weer werken in de zorg', pos: at(0, 0, 0), domainId: d[0]!.id, author: res })
  addItem(a, { kind: 'strength', text: 'Zus helpt met de post', pos: at(6, 0, 0), domainId: d[6]!.id, author: res })
  const act = addItem(a, { kind: 'action', text: 'Aanmelden schuldhulpverlening', pos: at(1, 236, 0), domainId: d[1]!.id, author: pro })
  updateItem(a, act, { owner: 'Sanne', ownerOrg: 'Sociaal wijkteam', due: '2026-12-15', status: 'in_progress', deviation: true, deviationRule: 'Wachttijd 4 weken', deviationMotivation: 'Stress eerst aanpakken' })
  addItem(a, { kind: 'problem', text: 'Uitkering stopt bij parttime werk', pos: at(0, 236, 0), domainId: d[0]!.id, author: pro, signal: true })
  addLink(a, debt, sleep, 'causes')
  addLink(a, sleep, wish, 'blocks')
}

const meA = { name: 'Sanne de Vries', org: 'Sociaal wijkteam', role: 'professional' as const, color: '#2e86ab' }
const meB = { name: 'Fatima', org: '', role: 'resident' as const, color: '#d1495b' }
const readOnly = q.get('readOnly') === '1'
const view = (me: typeof meA | typeof meB): MeetingView => ({
  residentMode: q.get('resident') === '1' || me.role === 'resident', setResidentMode: () => {},
  residentSpeaking: false, setResidentSpeaking: () => {}, me,
})
createRoot(document.getElementById('root')!).render(
  q.get('single') === '1' ? (
    <MeetingViewContext.Provider value={view(meA)}>
      <div style={{ height: '100%' }}><Board doc={a} awareness={awA} me={meA} readOnly={readOnly} locale={locale} /></div>
    </MeetingViewContext.Provider>
  ) : (
    <div className="pair">
      <MeetingViewContext.Provider value={view(meA)}>
        <div><Board doc={a} awareness={awA} me={meA} readOnly={false} locale={locale} /></div>
      </MeetingViewContext.Provider>
      <MeetingViewContext.Provider value={view(meB)}>
        <div><Board doc={b} awareness={awB} me={meB} readOnly={readOnly} locale={locale} /></div>
      </MeetingViewContext.Provider>
    </div>
  ),
)
Object.assign(window, { ktDocs: { a, b } })
