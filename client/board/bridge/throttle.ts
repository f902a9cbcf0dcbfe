/**
 * Bounded-rate writing while the user drags: at most one write per `intervalMs` while a gesture
 * lasts, and always one final write when it ends. Pure logic with an injectable clock, so the
 * rate can be measured in tests without real time.
 */

export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
}

export interface GestureThrottle {
  /** Something changed: write now, or soon when a gesture is going on. */
  request(): void
  /** The gesture ended (pointer up): write what is left now, as the final write. */
  settle(): void
  /** Stop timers. */
  dispose(): void
}

/**
 * `run(final)` does the writing; `final` is true when no gesture is going on any more (then
 * derived facts such as "which domain was the item dropped in" are decided).
 */
export function createGestureThrottle(
  run: (final: boolean) => void,
  opts: { intervalMs: number; isInteracting: () => boolean; clock?: Clock },
): GestureThrottle {
  const clock = opts.clock ?? realClock
  let last = Number.NEGATIVE_INFINITY
  let timer: unknown = null
  let pending = false
  let needsFinal = false

  const cancel = () => {
    if (timer !== null) clock.clearTimeout(timer)
    timer = null
  }
  const doRun = (final: boolean) => {
    pending = false
    needsFinal = !final
    last = clock.now()
    run(final)
  }
  const schedule = (ms: number) => {
    if (timer !== null) return
    timer = clock.setTimeout(onTimer, Math.max(0, ms))
  }
  function onTimer() {
    timer = null
    if (!opts.isInteracting()) {
      if (pending || needsFinal) doRun(true)
      return
    }
    if (pending) doRun(false)
    if (pending || needsFinal) schedule(opts.intervalMs)
  }

  return {
    request() {
      pending = true
      if (!opts.isInteracting()) {
        cancel()
        doRun(true)
        return
      }
      const since = clock.now() - last
      if (since >= opts.intervalMs) {
        doRun(false)
        schedule(opts.intervalMs)
      } else {
        schedule(opts.intervalMs - since)
      }
    },
    settle() {
      if (!pending && !needsFinal) return
      cancel()
      doRun(true)
    },
    dispose() {
      cancel()
    },
  }
}
