/**
 * How this screen takes part in the meeting: resident mode (large, simple board and plan for the
 * resident) and, on a professional's shared screen, 'Inwoner aan het woord' (what is added now is
 * recorded as the resident's words, on the account of the professional at the keyboard).
 *
 * BoardPage provides it; the board, the plan view and every add form read it. Writers take the
 * author of a new item from `authorForNewItem` — never build one themselves.
 */
import { createContext, useContext } from 'react'
import type { Author, Role } from '../../shared/schema.ts'

export interface MeetingView {
  /** Large cards and text, only the four add buttons, plain words. Default on a resident's link. */
  residentMode: boolean
  setResidentMode(on: boolean): void
  /** 'Inwoner aan het woord': only offered to professionals who can write. */
  residentSpeaking: boolean
  setResidentSpeaking(on: boolean): void
  /** The person at this screen. */
  me: { name: string; org: string; role: Role }
}

/** Who a new item is by, and (when the resident speaks on a professional's screen) who recorded it. */
export function authorForNewItem(view: Pick<MeetingView, 'residentSpeaking' | 'me'>): { author: Author; recordedBy: Author | null } {
  const me: Author = { name: view.me.name, org: view.me.org, role: view.me.role }
  if (view.residentSpeaking && view.me.role === 'professional') {
    // The resident's name is not known to the screen; the UI shows 'Inwoner' for an empty name.
    return { author: { name: '', org: '', role: 'resident' }, recordedBy: me }
  }
  return { author: me, recordedBy: null }
}

const noop = () => {}
export const MeetingViewContext = createContext<MeetingView>({
  residentMode: false,
  setResidentMode: noop,
  residentSpeaking: false,
  setResidentSpeaking: noop,
  me: { name: '', org: '', role: 'professional' },
})

export function useMeetingView(): MeetingView {
  return useContext(MeetingViewContext)
}
