/**
 * A React root in jsdom for the client's unit tests: before each test a fresh container in the
 * document and a root on it; after each test the root unmounted and the container removed. Call it
 * at the top of a file or a describe block, after that block's own beforeEach/afterEach (so they run
 * before the container is made and after it is gone). Importing this module turns on React's act
 * environment.
 */
import { afterEach, beforeEach } from 'vitest'
import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'

;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

export function useReactRoot(): { readonly container: HTMLDivElement; readonly root: Root } {
  let container: HTMLDivElement | undefined
  let root: Root | undefined
  beforeEach(() => {
    container = document.createElement('div')
    document.body.append(container)
    root = createRoot(container)
  })
  afterEach(() => {
    act(() => root!.unmount())
    container!.remove()
  })
  return {
    get container(): HTMLDivElement {
      if (!container) throw new Error('no container outside a test')
      return container
    },
    get root(): Root {
      if (!root) throw new Error('no root outside a test')
      return root
    },
  }
}
