// Turns zod issues into one ConfigError whose message names every offending field and the file.
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';

/** `root.a.b[2]` from a zod path. */
export function issuePath(root: string, issuePathParts: ReadonlyArray<PropertyKey>): string {
  let text = root;
  for (const part of issuePathParts) {
    text += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  }
  return text;
}

/** One entry per problem: `path: what is wrong`. Values are echoed briefly (long ones cut). */
export function describeIssue(issue: z.core.$ZodIssue, root: string): Array<{ path: string; message: string }> {
  const at = issuePath(root, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      // One zod issue can name several keys: each is its own problem, at its own path.
      return issue.keys.map((key) => ({ path: issuePath(at, [key]), message: 'unknown key; check the spelling or remove it' }));
    case 'invalid_type': {
      const expected = issue.expected === 'int' ? 'integer' : issue.expected === 'record' ? 'object' : issue.expected;
      if (issue.input === undefined) return [{ path: at, message: `required (expected ${expected})` }];
      return [{ path: at, message: `expected ${expected}, got ${briefValue(issue.input)}` }];
    }
    case 'too_small':
      return [{ path: at, message: `must be ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}` }];
    case 'too_big':
      return [{ path: at, message: `must be ${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}` }];
    case 'invalid_value':
      return [{ path: at, message: `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}` }];
    default:
      return [{ path: at, message: issue.message }];
  }
}

/**
 * A ConfigError that names every problem, each at its path: the first on the error's own line
 * (so a single problem stays one line), the others one per line below it. `issues` holds them all.
 */
export function formatConfigIssues(issues: ReadonlyArray<z.core.$ZodIssue>, root: string, source: string): ConfigError {
  const described = issues.flatMap((issue) => describeIssue(issue, root));
  const [first = { path: root, message: 'invalid' }, ...others] = described;
  const rest = others.length === 0 ? '' : `, and ${others.length} more problem(s):${others.map((entry) => `\n  ${entry.path}: ${entry.message}`).join('')}`;
  return new ConfigError(
    first.path,
    `${first.message} (in ${source})${rest}`,
    described.map((entry) => `${entry.path}: ${entry.message}`),
  );
}

function briefValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
