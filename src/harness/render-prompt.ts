// Rendering role prompts per the wire protocol: each `{{name}}` becomes `<name ...>\nvalue\n</name>`.
import fs from 'node:fs';
import path from 'node:path';
import { AutodataError, ConfigError } from '../errors.ts';
import type { Role } from '../llm/types.ts';
import type { Harness } from './harness.ts';
import { isProtectedFile } from './manifest.ts';
import { findPlaceholders, placeholderProblems, substitutePlaceholders, type TagAttributes } from './placeholders.ts';
import { ownValue } from '../util/own-property.ts';
import { META_PLACEHOLDERS, META_PROMPT_FILES, optionalPlaceholders, ROLE_PROMPT_FILES, type HarnessRole, type MetaRole } from './roles.ts';

export type { TagAttributes } from './placeholders.ts';

/**
 * The user message for `role`. `attributes` adds tag attributes, e.g.
 * `{ document: { title: 'Paper title' } }` gives `<document title="Paper title">`.
 * Throws when the prompt uses a placeholder that has no value.
 */
export function renderPrompt(
  harness: Harness,
  role: Role,
  values: Record<string, string>,
  attributes?: TagAttributes,
): string {
  if (role === 'analyzer' || role === 'implementer') {
    throw new AutodataError('PROMPT_ROLE', `the ${role} prompt is not part of a harness; use loadMetaPrompts and renderFile`);
  }
  const file = ROLE_PROMPT_FILES[role as HarnessRole];
  const template = harness.files[file];
  if (template === undefined) throw new ConfigError(file, `missing; this harness has no ${role} prompt`);
  const optional = optionalPlaceholders(role as HarnessRole);
  if (optional.length === 0) return renderFile(template, values, attributes, file);
  // An optional value goes where the prompt puts its placeholder, else in a tagged block at the end;
  // an absent one adds nothing (so unbatched runs send today's bytes), or a fixed line where the prompt asks for it.
  const present = new Set(findPlaceholders(template));
  const filled = { ...values };
  const appended: string[] = [];
  for (const name of optional) {
    const value = ownValue(values, name);
    if (present.has(name)) filled[name] = value ?? NO_OPTIONAL_VALUE;
    else if (value !== undefined) appended.push(`<${name}>\n${value}\n</${name}>`);
  }
  const rendered = renderFile(template, filled, attributes, file);
  if (appended.length === 0) return rendered;
  return `${rendered.trimEnd()}\n\n${appended.join('\n\n')}${rendered.endsWith('\n') ? '\n' : ''}`;
}

/** What a prompt's `{{learnings}}` says when there are none (the first batch, an unbatched run, the outer loop). */
const NO_OPTIONAL_VALUE = 'None yet.';

/** Renders any template text with the same tag wrapping (used for the meta-optimizer prompts). */
export function renderFile(text: string, values: Record<string, string>, attributes?: TagAttributes, label = 'prompt'): string {
  const rendered = substitutePlaceholders(text, values, attributes);
  if (rendered.missing.length > 0) {
    const names = [...new Set(rendered.missing)].map((name) => `{{${name}}}`).join(', ');
    throw new AutodataError('PROMPT_VALUE_MISSING', `${label}: no value given for ${names}`);
  }
  return rendered.text;
}

export type MetaPrompts = Record<MetaRole, string>;

/** Loads analyzer.md and implementer.md from `dir` and checks their placeholders. */
export function loadMetaPrompts(dir: string): MetaPrompts {
  const prompts = {} as MetaPrompts;
  for (const role of Object.keys(META_PROMPT_FILES) as MetaRole[]) {
    const file = path.join(dir, META_PROMPT_FILES[role]);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      throw new ConfigError(file, `missing; the meta-optimizer needs the ${role} prompt`);
    }
    const problems = placeholderProblems(text, META_PLACEHOLDERS[role]);
    if (problems.length > 0) throw new ConfigError(file, problems[0]!, problems);
    prompts[role] = text;
  }
  return prompts;
}

/** Files the implementer may edit: everything the manifest does not protect. */
export function editableFiles(harness: Harness): string[] {
  return Object.keys(harness.files).filter((file) => !isProtectedFile(harness.manifest, file) && !harness.symlinks.includes(file));
}

/** The `harness` value of the implementer prompt: each editable file as `<file path="...">...</file>`. */
export function formatEditableFiles(harness: Harness): string {
  return editableFiles(harness)
    .map((file) => {
      const content = harness.files[file] ?? '';
      return `<file path="${file}">\n${content}${content.endsWith('\n') ? '' : '\n'}</file>`;
    })
    .join('\n\n');
}
