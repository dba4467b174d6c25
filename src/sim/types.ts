// Option and result types of the sim's public API (re-exported by sim/index.ts).
import type { Persona } from './personas/index.ts';

export type FaultKind = '429' | '500' | 'hang' | 'stall' | 'reset' | 'malformed' | 'truncated' | 'empty';
export type MalformedShape = 'fenced' | 'trailing-comma' | 'prose' | 'string-weights' | 'hopeless';

export interface FaultSpec {
  /**
   * 429 / 500: that status. hang: no reply until `hangMs`. stall: the 200 headers and the first
   * half of the body, then nothing until the client gives up. reset: the same, then the connection
   * is cut. malformed / truncated / empty: a 200 whose content is spoiled.
   */
  kind: FaultKind;
  /** Chance that a matching request gets this fault; default 1. */
  rate?: number;
  /** The same canonical request gets this fault this many times, then succeeds; default: unlimited. */
  timesPerRequest?: number;
  /** 429 only: sent as `retry-after-ms` and `retry-after` (whole seconds, rounded up); default 100. */
  retryAfterMs?: number;
  /** hang only: how long the server waits before answering anyway; default 60000. */
  hangMs?: number;
  /** malformed only; default 'fenced'. */
  malformedShape?: MalformedShape;
  /** Only requests for these models (default: all). */
  models?: string[];
  /** Only requests whose response_format json_schema name is one of these (default: all). */
  schemaNames?: string[];
}

/** Simulated time a persona takes: fixed part plus a part per output token. */
export interface LatencyProfile {
  fixedMs: number;
  msPerOutputToken: number;
}

export interface LatencyModel {
  /** Keyed by model name (sim-agent, sim-weak, sim-strong). */
  models: Record<string, LatencyProfile>;
  /** For a model not listed. */
  otherModels: LatencyProfile;
}

export interface SimOptions {
  seed: number;
  /** true = the default latency model; off by default. */
  latency?: boolean | LatencyModel;
  /** Off by default; the first matching spec decides a request's fault. */
  faults?: FaultSpec[];
  /** Replaces the standard persona list (first match wins); for tests and lab experiments. */
  personas?: readonly Persona[];
  /**
   * Model names with serving options (e.g. `sim-weak?reasoning=field`) that GET /v1/models lists
   * after the plain sim models; any such name is served whether listed or not.
   */
  servedModels?: string[];
  /**
   * Each served model's prefix cache holds at most this many blocks of 16 tokens, least recently
   * used evicted first (default DEFAULT_CAPACITY_BLOCKS in prefix-cache.ts: 16,384 = 262,144 tokens).
   */
  prefixCacheBlocks?: number;
}

export interface SimHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /**
   * The transport sends the headers and the first half of `body`, then stalls until the client
   * aborts ('stall') or cuts the connection ('reset'; in process: the body stream errors with
   * `TypeError: terminated`, as undici's does).
   */
  interrupt?: 'stall' | 'reset';
}

/**
 * One request in, one response out; shared by the HTTP server and the in-process fetch.
 * Rejects only when `signal` aborts (a client that gave up on a hang or a slow reply).
 */
export type SimHandler = (method: string, path: string, body: string, signal?: AbortSignal) => Promise<SimHttpResponse>;

export interface SimServerStats {
  requests: number;
  /**
   * Keyed by HTTP status ("200", "429", ...); "aborted" counts requests the client abandoned while
   * the sim was still working; "stall" and "reset" count replies interrupted on purpose.
   */
  byStatus: Record<string, number>;
  maxInFlight: number;
}

export interface SimServer {
  /** http://127.0.0.1:PORT/v1 */
  baseURL: string;
  port: number;
  stats(): SimServerStats;
  close(): Promise<void>;
}

export interface SimDocument {
  /** simcs-0001, simcs-0002, ... */
  id: string;
  title: string;
  /** The whole Markdown file, starting with the "simulated paper" comment line. */
  text: string;
}
