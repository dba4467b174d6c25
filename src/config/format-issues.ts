// Turns zod issues into one ConfigError whose message names the offending field and the file.
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

/** One line per issue: `path: what is wrong`. Values are echoed briefly (long ones cut). */
export function describeIssue(issue: z.core.$ZodIssue, root: string): { path: string; message: string } {
  const at = issuePath(root, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '?';
      const more = issue.keys.length > 1 ? ` (also: ${issue.keys.slice(1).join(', ')})` : '';
      return { path: issuePath(at, [key]), message: `unknown key${more}; check the spelling or remove it` };
    }
    case 'invalid_type': {
      const expected = issue.expected === 'int' ? 'integer' : issue.expected;
      if (issue.input === undefined) return { path: at, message: `required (expected ${expected})` };
      return { path: at, message: `expected ${expected}, got ${briefValue(issue.input)}` };
    }
    case 'too_small':
      return { path: at, message: `must be ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}` };
    case 'too_big':
      return { path: at, message: `must be ${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}` };
    case 'invalid_value':
      return { path: at, message: `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}` };
    default:
      return { path: at, message: issue.message };
  }
}

/** A ConfigError for the first issue (the message stays one line); every issue is kept in `issues`. */
export function formatConfigIssues(issues: ReadonlyArray<z.core.$ZodIssue>, root: string, source: string): ConfigError {
  const described = issues.map((issue) => describeIssue(issue, root));
  const first = described[0] ?? { path: root, message: 'invalid' };
  const more = described.length > 1 ? `; ${described.length - 1} more issue(s)` : '';
  return new ConfigError(
    first.path,
    `${first.message} (in ${source})${more}`,
    described.map((entry) => `${entry.path}: ${entry.message}`),
  );
}

function briefValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
