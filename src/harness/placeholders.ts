// Placeholders are `{{name}}`; anything between double braces counts, so a typo is caught, not sent.
import { ownValue } from '../util/own-property.ts';

const PLACEHOLDER_PATTERN = /\{\{([^{}]*)\}\}/g;

export function findPlaceholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER_PATTERN)].map((match) => match[1] ?? '');
}

/** One-line problems with a template's placeholders: unknown, missing or repeated ones. `optional` ones may appear at most once. */
export function placeholderProblems(text: string, required: readonly string[], optional: readonly string[] = []): string[] {
  const found = findPlaceholders(text);
  const problems: string[] = [];
  const allowed = [...required, ...optional].join(', ');
  for (const name of new Set(found)) {
    if (!required.includes(name) && !optional.includes(name)) problems.push(`unknown placeholder {{${name}}}; allowed: ${allowed}`);
  }
  for (const name of optional) {
    const count = found.filter((item) => item === name).length;
    if (count > 1) problems.push(`placeholder {{${name}}} appears ${count} times; use it at most once`);
  }
  for (const name of required) {
    const count = found.filter((item) => item === name).length;
    if (count === 0) problems.push(`missing required placeholder {{${name}}}`);
    if (count > 1) problems.push(`placeholder {{${name}}} appears ${count} times; use it exactly once`);
  }
  return problems;
}

export type TagAttributes = Record<string, Record<string, string>>;

/**
 * Replaces every `{{name}}` with its value wrapped in `<name attr="...">\n...\n</name>` (the wire
 * protocol). One pass, so a value that itself contains `{{x}}` is never expanded. Values the
 * template does not use are ignored; a placeholder without a value throws.
 */
export function substitutePlaceholders(
  text: string,
  values: Record<string, string>,
  attributes: TagAttributes = {},
): { text: string; missing: string[] } {
  const missing: string[] = [];
  const rendered = text.replace(PLACEHOLDER_PATTERN, (whole, name: string) => {
    const value = ownValue(values, name);
    if (value === undefined) {
      missing.push(name);
      return whole;
    }
    const attributeText = Object.entries(ownValue(attributes, name) ?? {})
      .map(([key, attributeValue]) => ` ${key}="${escapeAttribute(attributeValue)}"`)
      .join('');
    return `<${name}${attributeText}>\n${value}\n</${name}>`;
  });
  return { text: rendered, missing };
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ');
}
