// Where a measured record is placed on the roofline: the one place the
// roofline's fields join a record (runStrategy's records and the floor's).
// The bound needs this process's machine profile (store.ts), loaded by the
// shell that asked (`vlab run --roofline`, the app at launch); without one a
// record still gets its bytes, operations and rates. Never measures.

import { backendStatus, getBackend } from '../backends/registry.js';
import type { NativeBackend } from '../backends/native.js';
import type { CompiledFormula } from '../formula/index.js';
import type { RunRecord } from '../strategies/types.js';
import { BYTES_MODEL_NOTE, rooflineFields } from './roofline.js';
import { currentMachineProfile } from './store.js';

/** The ISA copy a native record ran on and its lanes for the record's dtype. */
function isaFields(record: RunRecord): Pick<RunRecord, 'isa' | 'lanes'> {
  if (record.isa !== undefined || record.backend !== 'native' || !backendStatus('native').available) return {};
  // The run's target: onNativeIsa's scope where the run was made in one, else the one chosen at load.
  const { isa, lanesFloat32, lanesFloat64 } = (getBackend('native') as NativeBackend).describe();
  return { isa, lanes: record.dtype === 'float64' ? lanesFloat64 : lanesFloat32 };
}

/**
 * The record with its roofline fields, and the note that says the bytes are a model; a shape error is left as it is.
 */
export function placeOnRoofline(record: RunRecord, formula: CompiledFormula | null): RunRecord {
  if (record.shapeError || !(record.medianMs > 0)) return record;
  const withIsa = { ...record, ...isaFields(record) };
  const fields = rooflineFields(withIsa, formula, currentMachineProfile());
  const note = record.note ? `${record.note}; ${BYTES_MODEL_NOTE}` : BYTES_MODEL_NOTE;
  return { ...withIsa, ...fields, note };
}
