// `--sim-fault` on the commands that run a job (evolve, generate): transient faults injected by the
// in-process sim, to see that they change what a run costs and never what it finds.
import { isSimEndpoint, type Endpoints } from '../config/endpoints.ts';
import { ConfigError } from '../errors.ts';
import { FAULT_KINDS, FAULT_OPTION_SYNTAX, parseFaultOption, type FaultSpec } from '../sim/index.ts';

export const SIM_FAULT_HELP =
  `Make the in-process sim inject a fault, repeatable: ${FAULT_OPTION_SYNTAX} with KIND one of ${FAULT_KINDS.join(', ')} ` +
  '(e.g. --sim-fault 429:0.05 --sim-fault reset:0.05); faults cost retries, never results';

export function simFaultsOption(texts: readonly string[] | undefined, endpoints: Endpoints): FaultSpec[] {
  const specs = (texts ?? []).map((text) => parseFaultOption(text));
  if (specs.length > 0 && !Object.values(endpoints.roles).some(isSimEndpoint)) {
    throw new ConfigError('--sim-fault', 'no role uses the in-process sim (sim://), so there is nothing to inject faults into; drop the option');
  }
  return specs;
}
