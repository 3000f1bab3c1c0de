// Engine functions the app needs that compute/index.ts does not export yet:
// the physical floor, the CSV writer shared with `vlab run --csv`, and the
// machine description. Imported here, in one place, so that the app and the
// CLI write the same figures the same way; when the public API exports them,
// this file becomes a re-export from compute/index.js.

export { measureLimit } from '../../compute/strategies/limit.js';
export { recordsToCsv } from '../../compute/report/csv.js';
export { machineInfo } from '../../compute/report/machine.js';
