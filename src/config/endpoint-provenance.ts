// What of an endpoint decides what a role's calls return (model, sampling and reply-format
// settings), recorded with a run so that resuming on other models is refused, and the one rule for
// "simulated". Nothing secret: apiKeyEnv, headers, organization and project are left out; the
// server's URL too (the same model moved to another port or host is the same model), and limits
// that change only speed or cost (concurrency, timeouts, retries, prices).
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { hasArrays, readJsonFile } from '../util/read-json-file.ts';
import { canonicalJson } from '../util/hash.ts';
import { writeFileAtomically } from '../util/write-file-atomically.ts';
import type { Role } from '../llm/types.ts';
import { isSimEndpoint, type Endpoint, type RedactedEndpoints } from './endpoints.ts';

export const PROVENANCE_FIELDS = [
  'model', 'temperature', 'maxTokens', 'maxTokensField', 'topP', 'topK', 'minP', 'presencePenalty', 'frequencyPenalty',
  'reasoningEffort', 'stop', 'extraBody', 'structuredOutput', 'sendSeed', 'reasoningTags',
] as const satisfies ReadonlyArray<keyof Endpoint>;

export type RoleProvenance = Partial<Pick<Endpoint, (typeof PROVENANCE_FIELDS)[number]>>;

/** role -> the settings that decide its replies, for the roles a run calls. */
export function endpointProvenance(endpoints: Pick<RedactedEndpoints, 'roles'>, roles: readonly Role[]): Record<string, RoleProvenance> {
  return Object.fromEntries(
    [...roles].sort().map((role) => {
      const endpoint = endpoints.roles[role];
      const fields = PROVENANCE_FIELDS.filter((field) => endpoint[field] !== undefined).map((field) => [field, endpoint[field]]);
      return [role, Object.fromEntries(fields) as RoleProvenance];
    }),
  );
}

/** `role.field: before -> after` for every difference (a role only one side has counts too). */
export function provenanceChanges(recorded: Record<string, RoleProvenance>, current: Record<string, RoleProvenance>): string[] {
  const changes: string[] = [];
  for (const role of [...new Set([...Object.keys(recorded), ...Object.keys(current)])].sort()) {
    const before = Object.hasOwn(recorded, role) ? recorded[role]! : undefined;
    const after = Object.hasOwn(current, role) ? current[role]! : undefined;
    if (!before || !after) {
      changes.push(`${role}: ${before ? 'no longer called' : 'not called before'}`);
      continue;
    }
    for (const field of PROVENANCE_FIELDS) {
      const was = canonicalJson(before[field] ?? null);
      const now = canonicalJson(after[field] ?? null);
      if (was !== now) changes.push(`${role}.${field}: ${was} -> ${now}`);
    }
  }
  return changes;
}

/** The one rule: data is simulated when any role it calls is served by the in-process sim. */
export function isSimulated(endpoints: Pick<RedactedEndpoints, 'roles'>, roles?: readonly Role[]): boolean {
  const endpointsOfRoles = roles ? roles.map((role) => endpoints.roles[role]) : Object.values(endpoints.roles);
  return endpointsOfRoles.some(isSimEndpoint);
}

// A generate folder is resumed (finished documents reused) only on the endpoints it was made with:
// other models or sampling settings would mix two datasets in one folder without a trace. The
// settings live in the folder's endpoints.json, not in the run's config, so folders made before
// this file existed still resume (their config hash is unchanged); such a folder cannot be checked.
export const ENDPOINTS_RECORD_FILE = 'endpoints.json';

export interface EndpointsRecord {
  /** One entry per set of endpoints the folder was run with, oldest first (more than one only with --allow-endpoint-change). */
  history: Array<{ source: string; recordedAt: string; roles: Record<string, RoleProvenance> }>;
}

export function readEndpointsRecord(runDir: string): EndpointsRecord | undefined {
  const remedy = 'delete it to record the endpoints afresh (the earlier ones are then unknown)';
  return readJsonFile(path.join(runDir, ENDPOINTS_RECORD_FILE), remedy, (value) => hasArrays(value, ['history'])) as EndpointsRecord | undefined;
}

/**
 * Compares `current` with the endpoints the folder last ran on: a ConfigError naming the differences
 * unless `allow`; then records `current` (a new history entry only when it differs). Returns the differences.
 */
export function recordEndpoints(runDir: string, current: { source: string; roles: Record<string, RoleProvenance> }, allow: boolean, now = new Date()): string[] {
  const record = readEndpointsRecord(runDir) ?? { history: [] };
  const last = record.history.at(-1);
  const changes = last ? provenanceChanges(last.roles, current.roles) : [];
  if (changes.length > 0 && !allow) {
    const shown = changes.slice(0, 4).join('; ') + (changes.length > 4 ? `; ... ${changes.length - 4} more` : '');
    throw new ConfigError(
      '--allow-endpoint-change',
      `${runDir} was run with other endpoints (${shown}); resuming would mix models in one dataset: use a new --out, or pass --allow-endpoint-change`,
    );
  }
  if (!last || changes.length > 0) {
    record.history.push({ source: current.source, recordedAt: now.toISOString(), roles: current.roles });
    writeFileAtomically(path.join(runDir, ENDPOINTS_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
  }
  return changes;
}
