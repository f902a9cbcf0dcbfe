/** Types of sealFormat.js (plain JavaScript, shared with the document-log worker). */
export declare class SealError extends Error {}
export declare function aadOf(caseId: string, column: string): Buffer
export declare function isSealedBlob(stored: Uint8Array): boolean
export declare function isSealedText(stored: string): boolean
export declare function sealBlob(key: Uint8Array, aad: Uint8Array, plain: Uint8Array): Buffer
export declare function openBlob(key: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Buffer
export declare function sealText(key: Uint8Array, aad: Uint8Array, text: string): string
export declare function openText(key: Uint8Array, aad: Uint8Array, stored: string): string
