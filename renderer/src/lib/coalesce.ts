// Coalescing for requests that follow a control as it moves (the slider's
// preview and guard, the formula check, the traced graph): one call in
// flight, and the latest value next, so that dragging stays smooth however
// slow the engine is. Values that arrive meanwhile are dropped, never queued.

/** Calls `task` with the latest value, one call at a time; values that arrive meanwhile collapse into one. */
export function coalesce<T>(task: (value: T) => Promise<void>, delayMs: number): (value: T) => void {
  let latest: { value: T } | null = null;
  let busy = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const pump = async () => {
    timer = null;
    if (busy || !latest) return;
    const { value } = latest;
    latest = null;
    busy = true;
    try {
      await task(value);
    } finally {
      busy = false;
      if (latest) timer = setTimeout(pump, 0);
    }
  };
  return (value) => {
    latest = { value };
    if (!busy && !timer) timer = setTimeout(pump, delayMs);
  };
}
