// Simulated model latency: a fixed part plus a part per output token, per persona model.
import type { LatencyModel } from './types.ts';

export const defaultLatencyModel: LatencyModel = {
  models: {
    'sim-agent': { fixedMs: 300, msPerOutputToken: 8 },
    'sim-weak': { fixedMs: 100, msPerOutputToken: 4 },
    'sim-strong': { fixedMs: 400, msPerOutputToken: 12 },
  },
  otherModels: { fixedMs: 200, msPerOutputToken: 8 },
};

export function resolveLatencyModel(option: boolean | LatencyModel | undefined): LatencyModel | undefined {
  if (option === true) return defaultLatencyModel;
  if (!option) return undefined;
  return option;
}

export function replyDelayMs(model: LatencyModel | undefined, modelName: string, completionTokens: number): number {
  if (!model) return 0;
  const profile = model.models[modelName] ?? model.otherModels;
  return Math.max(0, profile.fixedMs + profile.msPerOutputToken * completionTokens);
}

/** Resolves after `ms`, or rejects as fetch does (an AbortError) when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('The operation was aborted.', 'AbortError');
}
