/** Types of foldLog.js (plain JavaScript, shared with the document-log worker). */
export interface FoldBlob { data: Uint8Array; ok: boolean }
export declare function foldLog(stored: { state: FoldBlob | null; updates: FoldBlob[] }): Uint8Array
export declare function withUnseenRows(state: Uint8Array, updates: FoldBlob[]): Uint8Array
