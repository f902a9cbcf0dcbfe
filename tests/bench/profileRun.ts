/** Ad-hoc: one fan-out scenario and the burst, for profiling our server (KT_BENCH_OURS_NODE_ARGS). */
import { burstScenario, fanoutScenario } from './loadScenarios.ts'
const which = process.argv[2] ?? 'fanout'
if (which === 'burst') await burstScenario()
else await fanoutScenario(Number(process.argv[3] ?? 50))
process.exit(0)
