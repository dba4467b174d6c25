// Before a run spends anything: can each endpoint do what its role needs? The doctor's probes, for
// the roles the run uses; a refusal (no tool calls for the agent, no structured-output mode, a
// rejected seed, a model the server does not list) stops the run with one line naming the role, the
// endpoint and the fix. An endpoint that does not answer is left to the run's own circuit breaker.
import { isSimEndpoint, type Endpoints } from '../config/endpoints.ts';
import { ConfigError } from '../errors.ts';
import { checkEndpoints, describeCapabilities, type EndpointCheck } from '../llm/check-endpoints.ts';
import type { Role } from '../llm/types.ts';
import { forTerminal } from '../util/terminal-text.ts';
import { appFetchFor, simModels } from './create-llm.ts';

export interface PreflightOptions {
  endpoints: Endpoints;
  /** The roles the run calls (the main agent only under the agentic orchestrator; analyzer and implementer only for evolve). */
  roles: readonly Role[];
  /** A line per role whose server makes the run differ from its settings (a structured mode stepped down, tools only when forced). */
  log?: (line: string) => void;
}

/**
 * Checks the roles on real servers and on sim models given serving options; the built-in sim
 * personas can do everything, so a run on them sends nothing extra. Throws ConfigError on a refusal;
 * otherwise returns the endpoints with the context window a server reports filled in for every
 * checked role that does not set one (so long documents are fitted to it).
 */
export async function preflightEndpoints(options: PreflightOptions): Promise<Endpoints> {
  const roles = options.roles.filter((role) => {
    const endpoint = options.endpoints.roles[role];
    return !isSimEndpoint(endpoint) || endpoint.model.includes('?');
  });
  if (roles.length === 0) return options.endpoints;
  const checks = await checkEndpoints({ endpoints: options.endpoints, fetchFor: appFetchFor(0, [], simModels(options.endpoints)), roles });
  const refused = checks.filter((check) => check.refusal !== undefined);
  // Silent when all is as asked; a line only for what the run will do differently than configured.
  // (A server that does not answer is the run's circuit breaker's to report.)
  for (const check of checks) {
    if (check.ok && (check.structuredRefused.length > 0 || check.toolCalls === 'required')) {
      options.log?.(`endpoint check: ${check.role} ${forTerminal(check.model, 'line')}: ${describeCapabilities(check)}`);
    }
  }
  if (refused.length === 0) return withServerWindows(options.endpoints, checks);
  const [first, ...rest] = refused;
  const others = rest.length > 0 ? `; ${rest.map((check) => check.role).join(', ')} refused too` : '';
  throw new ConfigError(
    `endpoints.${first!.role}`,
    `${first!.baseURL} (${first!.model}) ${forTerminal(first!.refusal ?? '', 'line')}${others}; nothing was run (autodata doctor checks every role)`,
  );
}

function withServerWindows(endpoints: Endpoints, checks: EndpointCheck[]): Endpoints {
  const roles = { ...endpoints.roles };
  for (const check of checks) {
    if (roles[check.role].contextWindow === undefined && check.contextWindow?.source === 'server') {
      roles[check.role] = { ...roles[check.role], contextWindow: check.contextWindow.tokens };
    }
  }
  return { ...endpoints, roles };
}
