// Endpoint configuration: which OpenAI-compatible endpoint and model serves each role.
// API keys are read from environment variables here, once, and kept out of every storable value.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { ROLES, type Role } from '../llm/types.ts';
import { canonicalJson, sha256Hex } from '../util/hash.ts';
import { formatConfigIssues } from './format-issues.ts';

const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const baseURLSchema = z
  .string()
  .refine((value) => URL.canParse(value), { message: 'expected a URL such as http://127.0.0.1:8000/v1' })
  .refine((value) => !URL.canParse(value) || (new URL(value).username === '' && new URL(value).password === ''), {
    message: 'must not contain credentials; put the key in an environment variable and name it in apiKeyEnv',
  });

/** USD per million tokens; above this a price is taken for a typo (no model costs that much). */
export const MAX_PRICE_PER_MILLION = 10_000;

const perMillion = z.number().min(0).max(MAX_PRICE_PER_MILLION);

/**
 * What a role's endpoint charges, in USD per million tokens: prompt tokens, prompt tokens served from
 * the provider's prompt cache (the input price when unset) and completion tokens (reasoning included).
 */
export const priceSchema = z.strictObject({ input: perMillion, cachedInput: perMillion.optional(), output: perMillion });
export type Price = z.infer<typeof priceSchema>;

/** Every field of one role's endpoint; all optional in the file, required after defaults. */
export const endpointSettingsSchema = z.strictObject({
  baseURL: baseURLSchema,
  model: z.string().min(1),
  /** Name of the environment variable holding the API key (never the key itself). */
  apiKeyEnv: z
    .string()
    .regex(ENV_VAR_NAME, { message: 'must be the NAME of an environment variable (letters, digits, _), not the key itself' })
    .optional(),
  concurrency: z.int().min(1).max(1024),
  timeoutMs: z.int().min(1),
  maxRetries: z.int().min(0).max(20),
  /** First backoff before a retry (doubled each retry, jittered, capped at 60 s); a server's retry-after wins. */
  retryBaseDelayMs: z.int().min(0).max(60_000),
  /** null: not sent (OpenAI's o-series and gpt-5 accept only their default temperature). */
  temperature: z.number().min(0).max(2).nullable(),
  maxTokens: z.int().min(1),
  /** The body field that carries maxTokens: OpenAI's reasoning models take only max_completion_tokens. */
  maxTokensField: z.enum(['max_tokens', 'max_completion_tokens']),
  // Sampling settings sent only when set (the server's own default otherwise).
  topP: z.number().gt(0).max(1).optional(),
  /** vLLM / SGLang / Ollama; -1 turns it off on vLLM. */
  topK: z.int().min(-1).max(100_000).optional(),
  minP: z.number().min(0).max(1).optional(),
  presencePenalty: z.number().min(-2).max(2).optional(),
  frequencyPenalty: z.number().min(-2).max(2).optional(),
  /** OpenAI reasoning models, OpenRouter, vLLM's gpt-oss: how much the model may think. */
  reasoningEffort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).optional(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(16)]).optional(),
  /**
   * Vendor fields merged into the request body as they are (vLLM's chat_template_kwargs, OpenRouter's
   * provider routing, ...). Part of the cache key. The fields autodata itself manages are refused.
   */
  extraBody: z.record(z.string(), z.json()).optional(),
  /**
   * How a structured reply is asked for. auto: json_schema, and on a server that refuses it
   * json_object, then the schema in the prompt (each refusal steps down once per endpoint and is logged).
   */
  structuredOutput: z.enum(['auto', 'json_schema', 'json_object', 'prompt']),
  /** false for a server that rejects `seed`; the seed still takes part in the cache key, so samples never collapse. */
  sendSeed: z.boolean(),
  /**
   * Reasoning written inside the content: auto = the built-in tag styles (<think>...</think>, the
   * closing tag alone, Kimi's ◁think▷...◁/think▷); none = keep the content whole; or one tag pair.
   * A `reasoning` / `reasoning_content` field of the reply is always read as reasoning.
   */
  reasoningTags: z.union([z.enum(['auto', 'none']), z.strictObject({ open: z.string().min(1), close: z.string().min(1) })]),
  /** Tokens the model takes in (prompt plus completion); unset: read from the server's model listing where it gives one. */
  contextWindow: z.int().min(256).optional(),
  /** Stream the reply: timeoutMs then bounds the wait for each chunk, not the whole generation. */
  stream: z.boolean(),
  /** Sent with every request (Azure's api-version, OpenRouter's HTTP-Referer / X-Title). Never a key: use apiKeyEnv. */
  defaultHeaders: z.record(z.string(), z.string()).optional(),
  defaultQuery: z.record(z.string(), z.string()).optional(),
  /** OpenAI's organization and project ids (never read from OPENAI_ORG_ID / OPENAI_PROJECT_ID). */
  organization: z.string().min(1).optional(),
  project: z.string().min(1).optional(),
  /**
   * Failed calls in a row (after their retries) that stop the run: the endpoint is taken to be down.
   * An exhausted quota or a refused key stops it at the first call.
   */
  maxConsecutiveFailures: z.int().min(1).max(1000),
  /** Unset: the role's calls are unpriced (their cost is unknown unless the provider reports one). */
  price: priceSchema.optional(),
});
export type EndpointSettings = z.infer<typeof endpointSettingsSchema>;

const partialSettingsSchema = endpointSettingsSchema.partial();

/** The file: an optional `defaults` block plus per-role overrides; nothing else. */
export const endpointsFileSchema = z.strictObject({
  defaults: partialSettingsSchema.optional(),
  ...Object.fromEntries(ROLES.map((role) => [role, partialSettingsSchema.optional()])),
} as { defaults: z.ZodOptional<typeof partialSettingsSchema> } & Record<Role, z.ZodOptional<typeof partialSettingsSchema>>);
export type EndpointsFile = z.infer<typeof endpointsFileSchema>;

/** Used for any field neither the role nor `defaults` sets (baseURL and model have none). */
export const BUILT_IN_ENDPOINT_DEFAULTS = {
  concurrency: 4,
  timeoutMs: 120_000,
  maxRetries: 4,
  retryBaseDelayMs: 500,
  temperature: 1.0,
  maxTokens: 4096,
  maxTokensField: 'max_tokens',
  maxConsecutiveFailures: 5,
  structuredOutput: 'auto',
  sendSeed: true,
  reasoningTags: 'auto',
  stream: false,
} as const satisfies Partial<EndpointSettings>;

/** Request fields autodata sets itself: extraBody may not override them. */
export const MANAGED_BODY_FIELDS = [
  'model', 'messages', 'tools', 'tool_choice', 'response_format', 'seed', 'stream', 'stream_options', 'n',
  'temperature', 'max_tokens', 'max_completion_tokens', 'top_p', 'top_k', 'min_p', 'presence_penalty',
  'frequency_penalty', 'reasoning_effort', 'stop',
] as const;

/** One role's resolved endpoint. `id` identifies (baseURL, model) for cache keys and shared limits. */
export interface Endpoint extends EndpointSettings {
  role: Role;
  id: string;
}

/** Storable: contains no API key. */
export interface RedactedEndpoints {
  source: string;
  roles: Record<Role, Endpoint>;
}

export interface Endpoints extends RedactedEndpoints {
  /** The key read from the role's apiKeyEnv at load time. A function, so keys never serialize with the config. */
  apiKey(role: Role): string | undefined;
}

export const SIM_BASE_URL = 'sim://local/v1';

/** An endpoint served by the in-process sim (the composition root gives it the sim's fetch). */
export function isSimEndpoint(endpoint: Pick<Endpoint, 'baseURL'>): boolean {
  return endpoint.baseURL.startsWith('sim://');
}

/** A stable id of (baseURL, model): the same server and model share one cache namespace and one limiter. */
export function endpointId(baseURL: string, model: string): string {
  return `ep-${sha256Hex(canonicalJson({ baseURL: baseURL.replace(/\/+$/, ''), model })).slice(0, 16)}`;
}

/** Reads a JSON (.json) or YAML (anything else) endpoints file. A missing file is an error, never a default. */
export function loadEndpointsFile(filePath: string, env: NodeJS.ProcessEnv = process.env): Endpoints {
  if (!existsSync(filePath)) {
    throw new ConfigError(filePath, 'endpoints file not found; check the path given to --endpoints');
  }
  const text = readFileSync(filePath, 'utf8');
  let value: unknown;
  try {
    value = path.extname(filePath).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(filePath, `cannot parse the endpoints file (${reason}); fix the syntax`);
  }
  return parseEndpoints(value ?? {}, filePath, env);
}

/** Validates an endpoints value (from a file or embedded in an experiment config), applies defaults, reads keys. */
export function parseEndpoints(value: unknown, source: string, env: NodeJS.ProcessEnv = process.env): Endpoints {
  const parsed = endpointsFileSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw formatConfigIssues(parsed.error.issues, 'endpoints', source);
  const file = parsed.data;

  const roles = {} as Record<Role, Endpoint>;
  const keys = new Map<Role, string>();
  for (const role of ROLES) {
    const merged = { ...BUILT_IN_ENDPOINT_DEFAULTS, ...file.defaults, ...file[role] };
    for (const field of ['baseURL', 'model'] as const) {
      if (merged[field] === undefined) {
        throw new ConfigError(
          `endpoints.${role}.${field}`,
          `missing; set it in endpoints.${role} or endpoints.defaults (in ${source})`,
        );
      }
    }
    const settings = merged as EndpointSettings;
    for (const key of Object.keys(settings.extraBody ?? {})) {
      if ((MANAGED_BODY_FIELDS as readonly string[]).includes(key)) {
        throw new ConfigError(
          `endpoints.${role}.extraBody.${key}`,
          `autodata sets this field itself; use the role's own setting instead (in ${source})`,
        );
      }
    }
    roles[role] = { role, id: endpointId(settings.baseURL, settings.model), ...settings };
    if (settings.apiKeyEnv !== undefined) {
      const key = env[settings.apiKeyEnv];
      if (key === undefined || key === '') {
        throw new ConfigError(
          `endpoints.${role}.apiKeyEnv`,
          `environment variable ${settings.apiKeyEnv} is not set; export it or remove apiKeyEnv (in ${source})`,
        );
      }
      keys.set(role, key);
    }
  }
  return withKeys({ source, roles }, keys);
}

/** All roles on the in-process sim: solvers on their personas, every other role on `sim-agent`. */
export function defaultSimEndpoints(): Endpoints {
  const models: Partial<Record<Role, string>> = { weakSolver: 'sim-weak', strongSolver: 'sim-strong' };
  const roles = {} as Record<Role, Endpoint>;
  for (const role of ROLES) {
    const model = models[role] ?? 'sim-agent';
    roles[role] = {
      role,
      id: endpointId(SIM_BASE_URL, model),
      baseURL: SIM_BASE_URL,
      model,
      ...BUILT_IN_ENDPOINT_DEFAULTS,
      // The in-process sim answers at once (no latency model): a deadline and a backoff matter only
      // when an injected fault stalls or fails a reply, and then short ones keep the retry cheap.
      timeoutMs: 5_000,
      retryBaseDelayMs: 50,
    };
  }
  return withKeys({ source: 'built-in sim endpoints', roles }, new Map());
}

/** Header names whose values may be credentials (Azure's api-key, a proxy's Authorization, ...). */
const SECRET_HEADER = /auth|key|token|secret|cookie|password/i;

/**
 * The storable part (no keys): safe for config snapshots, logs and the run store. A default header
 * whose name suggests a credential keeps its name and loses its value.
 */
export function redactedEndpoints(endpoints: RedactedEndpoints): RedactedEndpoints {
  const roles = {} as Record<Role, Endpoint>;
  for (const role of ROLES) {
    const endpoint = endpoints.roles[role];
    const headers = endpoint.defaultHeaders;
    roles[role] = {
      ...endpoint,
      ...(headers
        ? { defaultHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, SECRET_HEADER.test(name) ? '[redacted]' : value])) }
        : {}),
    };
  }
  return { source: endpoints.source, roles };
}

function withKeys(redacted: RedactedEndpoints, keys: Map<Role, string>): Endpoints {
  return { ...redacted, apiKey: (role) => keys.get(role) };
}
