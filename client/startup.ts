/**
 * Imported first by main.tsx, so it runs before the rest of the app is set up: on a case's
 * address, the board's chunk and the case's access check start at once (./casePrefetch.ts).
 */
import { prefetchForAddress } from './casePrefetch.ts'

prefetchForAddress(location)
