import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';

export interface Polled<T> {
  data: T | null;
  error: ApiError | null;
  /** When the data last arrived. */
  at: Date | null;
  /** Loads again now (after an action, say). */
  reload: () => void;
}

/**
 * Loads `load()` and again every `intervalMs` while `live`, one request at a time; a change of `key` starts over.
 * The data shown stays until new data arrives, so a refresh never blanks the page.
 */
export function usePolled<T>(
  key: string,
  load: () => Promise<T>,
  intervalMs: number,
  live: boolean,
): Polled<T> {
  const [state, setState] = useState<{
    key: string;
    data: T | null;
    error: ApiError | null;
    at: Date | null;
  }>({
    key,
    data: null,
    error: null,
    at: null,
  });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const data = await loadRef.current();
        if (!cancelled) setState({ key, data, error: null, at: new Date() });
      } catch (error) {
        const failure = error instanceof ApiError ? error : new ApiError(0, 'ERROR', String(error));
        if (!cancelled) setState((previous) => ({ ...previous, key, error: failure }));
      }
      if (!cancelled && live) timer = setTimeout(() => void run(), intervalMs);
    };
    void run();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [key, live, intervalMs, tick]);

  const reload = useCallback(() => setTick((value) => value + 1), []);
  const current = state.key === key;
  return {
    data: current ? state.data : null,
    error: current ? state.error : null,
    at: current ? state.at : null,
    reload,
  };
}
