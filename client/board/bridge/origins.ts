/**
 * Transaction origins of this client's own writes.
 *
 * LOCAL_ORIGIN — written by the store-to-doc binder: the tldraw store already shows the change,
 *   so the doc-to-store binder skips these transactions (no echo, no snapping back mid-drag).
 * UI_ORIGIN — written by the board's own controls (toolbar, inspector, in-place text): the store
 *   does not show it yet, so the doc-to-store binder applies it like a remote change.
 *
 * Both are tracked by the board's Y.UndoManager: undo/redo covers one's own changes only.
 */
export const LOCAL_ORIGIN: unique symbol = Symbol('keukentafel-board-store')
export const UI_ORIGIN: unique symbol = Symbol('keukentafel-board-ui')
