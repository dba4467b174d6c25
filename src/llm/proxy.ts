// HTTP(S)_PROXY / NO_PROXY for the real endpoints. Node 20's global fetch ignores these variables,
// so the transport hands the client an undici dispatcher that honours them, only when one is set.
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

export interface ProxySettings {
  httpProxy: string | undefined;
  httpsProxy: string | undefined;
  noProxy: string | undefined;
}

/** The proxy variables, the lower-case spelling first (as curl reads them); undefined when no proxy is set. */
export function proxySettings(env: NodeJS.ProcessEnv = process.env): ProxySettings | undefined {
  const read = (name: string) => nonEmpty(env[name.toLowerCase()]) ?? nonEmpty(env[name]);
  const settings = { httpProxy: read('HTTP_PROXY'), httpsProxy: read('HTTPS_PROXY'), noProxy: read('NO_PROXY') };
  return settings.httpProxy === undefined && settings.httpsProxy === undefined ? undefined : settings;
}

// One dispatcher per distinct setting, shared by every role (its connection pools with it).
const dispatchers = new Map<string, Dispatcher>();

/** A dispatcher that routes through the proxy the environment names; undefined when it names none. */
export function proxyDispatcher(env: NodeJS.ProcessEnv = process.env): Dispatcher | undefined {
  const settings = proxySettings(env);
  if (!settings) return undefined;
  const key = JSON.stringify([settings.httpProxy ?? '', settings.httpsProxy ?? '', settings.noProxy ?? '']);
  let dispatcher = dispatchers.get(key);
  if (!dispatcher) {
    // Every value passed explicitly ('' for unset): the agent then reads nothing from process.env
    // itself. An https URL with only HTTP_PROXY set goes through that proxy (undici's rule).
    dispatcher = quietly(
      () =>
        new EnvHttpProxyAgent({
          httpProxy: settings.httpProxy ?? '',
          httpsProxy: settings.httpsProxy ?? '',
          noProxy: settings.noProxy ?? '',
        }),
    );
    dispatchers.set(key, dispatcher);
  }
  return dispatcher;
}

/**
 * undici warns once per process that EnvHttpProxyAgent is experimental: a note for us (the version
 * is pinned), not for the person running a command. Only that warning is held back, and only
 * while the agent is constructed (synchronously).
 */
function quietly<T>(construct: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    const options = rest[0];
    const code = typeof options === 'object' && options !== null ? (options as { code?: unknown }).code : rest[1];
    if (code === 'UNDICI-EHPA') return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return construct();
  } finally {
    process.emitWarning = emitWarning;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
