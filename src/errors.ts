// One base error with a machine-readable code; subclasses carry what callers need.
// Messages never contain request bodies or API keys.

export class AutodataError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A user-fixable configuration problem; `path` names the offending field or file. */
export class ConfigError extends AutodataError {
  readonly path: string;
  readonly issues: string[];
  constructor(path: string, message: string, issues: string[] = []) {
    super('CONFIG', `${path}: ${message}`);
    this.path = path;
    this.issues = issues;
  }
}

/** A model call that failed at the transport or protocol level. */
export class LlmCallError extends AutodataError {
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    details: { status?: number; retryable: boolean; retryAfterMs?: number; code?: string; cause?: unknown },
  ) {
    super(details.code ?? 'LLM_CALL', message, { cause: details.cause });
    this.status = details.status;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** A reply that does not match the requested schema; it knows how to ask the model to fix it. */
export class OutputSchemaError extends AutodataError {
  readonly issues: string[];
  readonly fixingInstruction: string;
  constructor(issues: string[], fixingInstruction: string) {
    super('OUTPUT_SCHEMA', `reply does not match the schema: ${issues.join('; ')}`);
    this.issues = issues;
    this.fixingInstruction = fixingInstruction;
  }
}

/** A harness edit that the framework will not apply. */
export class EditRefused extends AutodataError {
  readonly reason: EditRefusalReason;
  readonly filePath: string | undefined;
  constructor(reason: EditRefusalReason, message: string, filePath?: string) {
    super('EDIT_REFUSED', message);
    this.reason = reason;
    this.filePath = filePath;
  }
}

export type EditRefusalReason =
  | 'protected-file'
  | 'protected-setting'
  | 'outside-harness'
  | 'search-not-found'
  | 'search-not-unique'
  | 'no-op'
  | 'placeholder-lost'
  | 'invalid-settings'
  | 'malformed-edits';

/**
 * The job cannot go on for a reason outside the harness (an endpoint that keeps failing, an
 * exhausted quota, a refused key, too many documents lost to faults). It stops the whole run,
 * resumably, and is never a verdict: nothing it interrupts is scored. Code that turns other
 * AutodataErrors into a document's error must let this one through.
 */
export class RunHalted extends AutodataError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RUN_HALTED', message, options);
  }
}

/** One role's endpoint is down (N consecutive failed calls), out of quota, or refuses the key. */
export class EndpointUnavailable extends RunHalted {
  readonly role: string;
  /** `baseURL (model)`. */
  readonly endpoint: string;
  readonly lastError: string;
  constructor(details: { role: string; endpoint: string; lastError: string; why: string }) {
    super(
      `the ${details.role} endpoint ${details.endpoint} ${details.why} (last error: ${details.lastError}); check it with \`autodata doctor\`, then resume`,
    );
    this.role = details.role;
    this.endpoint = details.endpoint;
    this.lastError = details.lastError;
  }
}
