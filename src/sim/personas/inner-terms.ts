// Multi-word terms: the unit the inner-loop personas reason about. A term is a run of two to four
// words between function words, verbs and punctuation ("shard-local embedding cache", "query
// distribution", "wall-clock training time"), the way keyphrase extraction (RAKE) finds them. The
// document model, the challenger, the solvers, the judge and the QV all read terms the same way.
import { wordDifficulty } from './inner-text.ts';

/** Words that end a term: function words, the verbs and adverbs papers and questions are written with. */
const BREAK_WORDS = new Set(
  (
    'a an the of in on at to for by as is are was were be been being it its and or but not no nor so if we our us ' +
    'they their them this that these those there here than then too can could may might must shall should will would ' +
    'do does did done has have had having with within without into onto over under about above below after before ' +
    'between among across along through during until while when where which who whom whose what why how each every ' +
    'all any both either neither some such other another more most less least much many few several only also just ' +
    'very even still yet already again once up down out off from via per against toward towards upon versus ' +
    'because therefore thus hence however since although though whether unless one two three four five six ' +
    // numbers written out and the words of a quantity: "twenty milliseconds" measures something, it names nothing
    'seven eight nine ten eleven twelve fifteen twenty thirty forty fifty sixty seventy eighty ninety hundred ' +
    'thousand million billion half twice thrice percent percentage dozen ' +
    // pronoun-like and filler words: a term ends before them ("the job anyway", "the existing ones")
    'ones itself themselves anyway almost enough nothing something anything everything unlike instead else ' +
    // verbs and verb forms the corpus, the questions and common prose use
    'uses use used using plans planned adds add added clips caches cached mines re-scores rewrites cannot beyond ' +
    'predicts searches skips emits weights summarises recomputes initialises batches orders lets delays runs restricts ' +
    'scores extracts corrects prefers re-plans reuses stops merges distils increases shares drafts groups evicts infers ' +
    'picks solves improves improve improved reduces reduce reduced widens widen falls fall shrinks shrink costs ' +
    'comes come needs needed compound changes produces finish finishes dominates picking brings bring matters matter contributes contribute keeps keep kept becomes become ' +
    'degrade degrades handle handles work works worked judged treat treats present presents evaluate evaluated ' +
    'tuned tune show shows shown points stops helping carry carries returning keeps described ' +
    'averaged compare compared narrow narrows favour favours measured tested reached adopting adopt check checks ' +
    'understate understates offers offer depends depend vanishes vanish backfire backfires disabling disable ' +
    'disabled removing remove removed raising raise stated taken given gives give make makes made find finds found ' +
    'get gets got go goes went say says said see sees seen know knows known think take takes capture captures ' +
    'contain contains containing stay stays differ differs may become helps help hold holds ' +
    'exceeds finding hit accumulate drifts repeat arrive arrives saturate happen happened trigger hurts saves drops ' +
    'steal starves wastes flatten removes describe converge ignores ranks blur agree share vary sits spends declare ' +
    'waits fill affect end admit ' +
    'mainly nearly only far rather well badly cheaply therefore thus never always often sometimes usually ' +
    'new own same different common rare small large larger smaller higher lower better worse best worst full'
  ).split(' '),
);

const PUNCTUATION_BREAK = /[,;:!?()[\]{}"|*`]|\.(?=\s|$)|\s[-–—]\s/;

/** A single token that cannot be part of a term: numbers ("4.2", "61%", "3x") and units after them. */
function isNumberToken(token: string): boolean {
  return /^[\d.,%x×+-]+$/i.test(token) || /^\d/.test(token);
}

function isBreak(token: string): boolean {
  const lower = token.toLowerCase();
  return BREAK_WORDS.has(lower) || isNumberToken(token) || /^[a-z]+ly$/.test(lower) || !/[a-z]/i.test(token);
}

/**
 * Words that can sit inside a noun phrase but not end one: verbs that follow their subject ("the
 * corrector pays", "the baselines plateau") and adverbs or predicate adjectives ("first", "later",
 * "relevant"). A term ending on one loses it: "the sampling-based cardinality corrector pays" is the
 * "sampling-based cardinality corrector".
 */
const NON_HEAD_WORDS = new Set(
  (
    'pays pay plateau plateaus rejects reject progresses interact interacts fit fits split splits win wins lose loses ' +
    'fail fails succeed succeeds grow grows rise rises lag lags remain remains seem seems appear appears occur occurs ' +
    'suffer suffers dominate pay-off first later earlier last next relevant plausible proportional unreliable alone ' +
    'together ahead apart away back overall'
  ).split(' '),
);

/** A trailing word a term cannot end on: a listed verb or adverb, a past participle ("stack frames hashed"), an -ible/-ous adjective. */
function isNonHead(token: string): boolean {
  const lower = token.toLowerCase();
  return NON_HEAD_WORDS.has(lower) || (lower.length >= 6 && /[^e]ed$/.test(lower)) || /(?:ible|ous)$/.test(lower);
}

/** Units of measure: a run headed by one ("GPU hours", "extra milliseconds") is an amount, not a thing that can act. */
const UNIT_WORDS = new Set('milliseconds millisecond seconds second minutes minute hours hour days ms µs ns gb mb kb tb bytes points'.split(' '));

/**
 * Words of research boilerplate: a term made only of these ("strongest baseline", "main setting",
 * "sensitivity study") names nothing particular to a paper and is no term.
 */
const GENERIC_WORDS = new Set(
  (
    'strongest baseline baselines real users sensitivity study existing approaches starting observation main setting ' +
    'stress test three seeds experiments experiment point stripped-down variant method alone small-scale production ' +
    'scale further gain wasted effort newer systems single hardware configuration key findings results result ' +
    'simulated paper autodata research contribution contributions evaluation benchmarks benchmark ablations parts'
  ).split(' '),
);

/** A term's first word loses a capital it only has for starting a sentence ("Value-target clipping"). */
function normalizeCase(words: string[]): string {
  const [first = '', ...rest] = words;
  const lowered = /^[A-Z][a-z]+(?:-[a-z]+)*$/.test(first) ? first.toLowerCase() : first;
  return [lowered, ...rest].join(' ');
}

/** The terms of `text` in order of first appearance (deduplicated case-insensitively). */
export function termsIn(text: string): string[] {
  const seen = new Map<string, string>();
  const lines = text.split('\n').filter((line) => !/^\s*(#|<!--|\|)/.test(line));
  for (const chunk of lines.join('\n').split(new RegExp(`${PUNCTUATION_BREAK.source}|\\n`, 'g'))) {
    let run: string[] = [];
    const flush = () => {
      while (run.length > 0 && isNonHead(run[run.length - 1]!)) run.pop();
      const generic = run.every((word) => GENERIC_WORDS.has(word.toLowerCase())) || UNIT_WORDS.has(run[run.length - 1]?.toLowerCase() ?? '');
      if (run.length >= 2 && run.length <= 4 && run.some((word) => word.length >= 5) && !generic) {
        const term = normalizeCase(run);
        const key = term.toLowerCase();
        if (!seen.has(key)) seen.set(key, term);
      }
      run = [];
    };
    for (const token of chunk.split(/\s+/).filter(Boolean)) {
      if (isBreak(token)) flush();
      else run.push(token);
    }
    flush();
  }
  return [...seen.values()];
}

/**
 * How much of [0, 1] term difficulties span, around 0.5. A paper has a few dozen terms, not the
 * hundreds of words the sim once rested on: spread over all of [0, 1] they would leave a challenger
 * few terms near the depth it aims at, and every question would mix easy and impossible terms.
 */
const DIFFICULTY_SPAN = 0.7;

/** How hard a term is for a solver: a property of the term's words alone, the same for every persona. */
export function termDifficulty(term: string): number {
  return 0.5 + (wordDifficulty(term.toLowerCase()) - 0.5) * DIFFICULTY_SPAN;
}

/** Whether `text` mentions `term` (case-insensitive, whole words). */
export function mentions(text: string, term: string): boolean {
  const lower = text.toLowerCase();
  const needle = term.toLowerCase();
  let from = lower.indexOf(needle);
  while (from >= 0) {
    const before = from === 0 ? ' ' : lower[from - 1]!;
    const after = lower[from + needle.length] ?? ' ';
    if (!/[a-z0-9-]/.test(before) && !/[a-z0-9-]/.test(after)) return true;
    from = lower.indexOf(needle, from + 1);
  }
  return false;
}

/** Known terms found in `text`, longest first so that a term inside a longer one is not counted twice. */
export function knownTermsIn(text: string, known: readonly string[]): string[] {
  let rest = text;
  const found: string[] = [];
  for (const term of [...known].sort((a, b) => b.length - a.length)) {
    if (!mentions(rest, term)) continue;
    found.push(term);
    rest = rest.replace(new RegExp(term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), ' ');
  }
  return found;
}

/** Three or more single words listed in a row ("a, b and c"): the keyword lists the sim's text avoids. */
export const SINGLE_WORD_LIST = /(?:^|[\s(])(?:(?:the|a|an) )?[\w@%.+-]+, (?:(?:the|a|an) )?[\w@%.+-]+,? (?:and|or) (?:(?:the|a|an) )?[\w@%.+-]+(?=$|[\s.,;:?!)])/i;
