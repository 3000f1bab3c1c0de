// The machine view (ARCHITECTURE.md): this machine measured once and kept,
// and each run placed against it. Re-exports only.

export * from './types.js';
export { readCaches, parseCacheSize } from './caches.js';
export { plateauSizes, mountainSizes } from './bandwidth.js';
export { plateauWindows, plateausFromCurve, misorderedLevels, misorderedText, type Misordered } from './plateaus.js';
export { measureMachine, machineKey, cpuModel, type MeasureOptions } from './measure.js';
export {
  machineProfile,
  keptMachineProfile,
  currentMachineProfile,
  useMachineProfile,
  profilePath,
  type KeptProfile,
  type ProfileOptions,
} from './store.js';
export { planBytes, eagerTraffic } from './planBytes.js';
export {
  opsPerPoint,
  rooflineFields,
  roofs,
  levelFor,
  computeThreads,
  boundText,
  BYTES_MODEL_NOTE,
} from './roofline.js';
export { placeOnRoofline } from './place.js';
export { fitAmdahl, amdahlSpeedup } from './amdahl.js';
