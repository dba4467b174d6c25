// Text a model or a document wrote, made safe to print for a person. A terminal obeys control
// characters: ESC starts sequences that clear the screen, move the cursor or retitle the window;
// CR and backspace overwrite what was printed; bidi overrides reorder what a reader sees. Each
// such character is shown as a visible escape instead (ESC -> `\x1b`, U+202E -> `\u202e`).
// `--json` output needs none of this: JSON.stringify already escapes C0 characters, and the
// exact strings must survive there.

/**
 * `block` (default): a multi-line block; newline and tab stay, every other control character is
 * escaped. `line`: one line of a listing; newline and tab are escaped too, so the text cannot
 * forge further lines.
 */
export type TerminalTextMode = 'block' | 'line';

// C0 except tab (U+0009) and newline (U+000A), DEL and C1; the bidi marks, embeddings, overrides
// and isolates (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069).
const BLOCK_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LINE_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: ReadonlyMap<string, string> = new Map([
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
]);

/** `text` with every character a terminal would act on replaced by a visible escape. */
export function forTerminal(text: string, mode: TerminalTextMode = 'block'): string {
  return String(text).replace(mode === 'line' ? LINE_UNSAFE : BLOCK_UNSAFE, escapeCharacter);
}

function escapeCharacter(character: string): string {
  const named = NAMED.get(character);
  if (named !== undefined) return named;
  const code = character.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
