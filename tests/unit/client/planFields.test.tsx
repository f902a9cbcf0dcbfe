// @vitest-environment jsdom
/**
 * The plan view's goal, route, ladder and scores in a real React tree (jsdom) on a real Y.Doc that syncs with a second "remote"
 * doc: typing becomes minimal edits that merge with concurrent typing, remote edits show live and
 * leave the local cursor where it was, read-only roles cannot change anything.
 */
import { describe, expect, it } from 'vitest'
import { act } from 'react'
import { useReactRoot } from '../../helpers/render.ts'
import * as Y from 'yjs'
import { initCaseDoc, listDomains, parts, readPlanFields, setGoal, updateDomain, updatePlan } from '../../../shared/doc.ts'
import { PlanView } from '../../../client/plan/PlanView.tsx'

/**
 * A local doc and a remote doc; changes travel between them with a non-local origin, at once or,
 * while `hold` is on, when `flush()` is called (both sides edited before seeing each other's edit).
 */
function pair(templateId = 'integrale-intake') {
  const local = new Y.Doc()
  const remote = new Y.Doc()
  initCaseDoc(local, templateId, 1)
  Y.applyUpdate(remote, Y.encodeStateAsUpdate(local))
  const queue: (() => void)[] = []
  const net = { hold: false, flush: () => { while (queue.length) queue.shift()!() } }
  const send = (to: Y.Doc) => (u: Uint8Array, origin: unknown) => {
    if (origin === 'remote') return
    const deliver = () => Y.applyUpdate(to, u, 'remote')
    if (net.hold) queue.push(deliver)
    else deliver()
  }
  local.on('update', send(remote))
  remote.on('update', send(local))
  return { local, remote, net }
}

/** Type into a React-controlled textarea the way the browser does: new value, then an input event. */
function typeInto(el: HTMLTextAreaElement, value: string, caret = value.length) {
  const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!
  setter.call(el, value)
  el.setSelectionRange(caret, caret)
  el.dispatchEvent(new Event('input', { bubbles: true }))
}

function select(el: HTMLSelectElement, value: string) {
  const setter = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')!.set!
  setter.call(el, value)
  el.dispatchEvent(new Event('change', { bubbles: true }))
}

const dom = useReactRoot()

const q = <T extends Element>(testId: string) => dom.container.querySelector(`[data-testid="${testId}"]`) as T

describe('the goal field', () => {
  it('sends typing as small edits, so concurrent typing at both ends merges', () => {
    const { local, remote, net } = pair()
    act(() => dom.root.render(<PlanView doc={local} readOnly={false} />))
    const goal = q<HTMLTextAreaElement>('plan-goal')
    act(() => typeInto(goal, 'werk'))
    expect(readPlanFields(remote).goal).toBe('werk')
    // The remote person types at the start while the local person types at the end.
    net.hold = true
    act(() => {
      setGoal(remote, 'Betaald werk')
      typeInto(goal, 'werk vinden')
    })
    expect(goal.value).toBe('werk vinden')
    act(() => net.flush())
    expect(readPlanFields(local).goal).toBe('Betaald werk vinden')
    expect(readPlanFields(remote).goal).toBe('Betaald werk vinden')
    expect(goal.value).toBe('Betaald werk vinden')
  })

  it('shows remote edits live and keeps the local cursor in place, also for many edits in a row', () => {
    const { local, remote } = pair()
    act(() => dom.root.render(<PlanView doc={local} readOnly={false} />))
    const goal = q<HTMLTextAreaElement>('plan-goal')
    goal.focus()
    act(() => typeInto(goal, 'Over een jaar werk ', 'Over een jaar'.length))
    // Character by character, as a remote typist's updates arrive: after the cursor…
    act(() => {
      for (const ch of 'in de zorg.') {
        const t = parts(remote).plan.get('goal') as Y.Text
        t.insert(t.length, ch)
      }
    })
    expect(goal.value).toBe('Over een jaar werk in de zorg.')
    expect(goal.selectionStart).toBe('Over een jaar'.length)
    // …and before it: the cursor moves along with the text it was in.
    act(() => {
      for (const ch of 'Mijn doel: ') {
        const t = parts(remote).plan.get('goal') as Y.Text
        t.insert(t.toString().indexOf('Over'), ch)
      }
    })
    expect(goal.value).toBe('Mijn doel: Over een jaar werk in de zorg.')
    expect(goal.selectionStart).toBe('Mijn doel: Over een jaar'.length)
    expect(goal.selectionEnd).toBe('Mijn doel: Over een jaar'.length)
    // Local typing at the cursor lands where the person is typing.
    act(() => typeInto(goal, 'Mijn doel: Over een jaar betaald werk in de zorg.', 'Mijn doel: Over een jaar betaald'.length))
    act(() => {
      const t = parts(remote).plan.get('goal') as Y.Text
      t.delete(0, 'Mijn doel: '.length)
    })
    expect(readPlanFields(local).goal).toBe('Over een jaar betaald werk in de zorg.')
    expect(goal.selectionStart).toBe('Over een jaar betaald'.length)
  })
})

describe('route, ladder and scores', () => {
  it('write to the document and follow remote changes', () => {
    const { local, remote } = pair('zrm')
    act(() => dom.root.render(<PlanView doc={local} readOnly={false} />))
    act(() => select(q('plan-route'), 'care_first'))
    act(() => select(q('plan-ladder-now'), '2'))
    act(() => select(q('plan-ladder-goal'), '5'))
    expect(readPlanFields(remote)).toMatchObject({ route: 'care_first', ladderNow: 2, ladderGoal: 5 })
    act(() => updatePlan(remote, { route: 'parallel' }))
    expect(q<HTMLSelectElement>('plan-route').value).toBe('parallel')

    const scores = dom.container.querySelectorAll<HTMLSelectElement>('[data-testid="plan-score"]')
    expect(scores.length).toBe(listDomains(local).length)
    expect(scores.length).toBeGreaterThan(0)
    act(() => select(scores[0]!, '3'))
    expect(listDomains(remote)[0]!.score).toBe(3)
    act(() => updateDomain(remote, listDomains(remote)[1]!.id, { score: 4 }))
    expect(dom.container.querySelectorAll<HTMLSelectElement>('[data-testid="plan-score"]')[1]!.value).toBe('4')
  })

  it('has no scores for a template without a scale', () => {
    const { local } = pair('integrale-intake')
    act(() => dom.root.render(<PlanView doc={local} readOnly={false} />))
    expect(dom.container.querySelectorAll('[data-testid="plan-score"]').length).toBe(0)
  })

  it('is all disabled for a read-only role', () => {
    const { local } = pair('zrm')
    act(() => dom.root.render(<PlanView doc={local} readOnly />))
    expect(q<HTMLTextAreaElement>('plan-goal').readOnly).toBe(true)
    for (const id of ['plan-route', 'plan-ladder-now', 'plan-ladder-goal']) expect(q<HTMLSelectElement>(id).disabled, id).toBe(true)
    for (const s of dom.container.querySelectorAll<HTMLSelectElement>('[data-testid="plan-score"]')) expect(s.disabled).toBe(true)
  })
})
