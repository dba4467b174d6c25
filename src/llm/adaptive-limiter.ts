// Per-endpoint concurrency that backs off when the server pushes back and recovers on success.

export interface LimiterSlot {
  /** Give the slot back; call exactly once, whatever happened. */
  release(): void;
  /** The request succeeded: after enough successes in a row the limit grows by one. */
  succeeded(): void;
  /** The server pushed back (429 or timeout): the limit halves, at most once per congestion event. */
  pushedBack(): void;
}

export interface AdaptiveLimiter {
  acquire(): Promise<LimiterSlot>;
  limit(): number;
  inFlight(): number;
}

export interface AdaptiveLimiterOptions {
  maxConcurrency: number;
  /** Consecutive successes needed to raise the limit by one. */
  increaseAfterSuccesses?: number;
  /** Called whenever the limit changes (for logs). */
  onLimitChange?: (from: number, to: number, why: 'pushed-back' | 'recovered') => void;
}

/**
 * Requests started before a decrease belong to an older "epoch": their push-backs report the same
 * congestion the decrease already answered, so they do not halve the limit again (as in TCP).
 */
export function createAdaptiveLimiter(options: AdaptiveLimiterOptions): AdaptiveLimiter {
  const maxConcurrency = Math.max(1, Math.floor(options.maxConcurrency));
  const increaseAfterSuccesses = options.increaseAfterSuccesses ?? 10;
  let currentLimit = maxConcurrency;
  let active = 0;
  let epoch = 0;
  let successStreak = 0;
  const waiting: Array<() => void> = [];

  function setLimit(next: number, why: 'pushed-back' | 'recovered'): void {
    if (next === currentLimit) return;
    const previous = currentLimit;
    currentLimit = next;
    options.onLimitChange?.(previous, next, why);
  }

  function wakeWaiters(): void {
    while (active < currentLimit && waiting.length > 0) {
      active++;
      waiting.shift()?.();
    }
  }

  function makeSlot(): LimiterSlot {
    const slotEpoch = epoch;
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        active--;
        wakeWaiters();
      },
      succeeded() {
        successStreak++;
        if (successStreak >= increaseAfterSuccesses && currentLimit < maxConcurrency) {
          successStreak = 0;
          setLimit(currentLimit + 1, 'recovered');
          wakeWaiters();
        }
      },
      pushedBack() {
        successStreak = 0;
        if (slotEpoch !== epoch) return;
        epoch++;
        setLimit(Math.max(1, Math.floor(currentLimit / 2)), 'pushed-back');
      },
    };
  }

  return {
    async acquire() {
      if (active < currentLimit && waiting.length === 0) {
        active++;
      } else {
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      return makeSlot();
    },
    limit: () => currentLimit,
    inFlight: () => active,
  };
}
