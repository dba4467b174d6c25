// The sim loop judge (`loop_verdict`, judge-decided loop): reads the diagnostic packet and accepts
// an example the weak solver can learn from (weak mean in a middle band, the strong solver clearly
// ahead, the weak rollouts not all alike); otherwise it asks for an improvement and names the
// criterion that shows why, with the section it cites when there is one. It reads the figures,
// not the question's length: the code overrides are the framework's business.
import { promptText, schemaName, tagContent } from './inner-text.ts';
import type { Persona, PersonaContext, SimRequest } from './index.ts';

/** The band of weak means the judge takes as learnable, and the gap and spread it wants. */
export const LOOP_JUDGE_BAND = { minWeakMean: 0.2, maxWeakMean: 0.45, minGap: 0.1, minWeakSd: 0.18 };
/** Chance the judge waves through a round it would otherwise send back (and the reverse). */
const SLIP = 0.04;

interface PacketGroup {
  mean: number;
  sd: number;
  criterion_rates: number[];
}

interface Packet {
  rubric: Array<{ criterion: string; weight: number }>;
  weak: PacketGroup;
  strong: PacketGroup;
  gap: number;
}

function readPacket(text: string): Packet | null {
  try {
    const packet = JSON.parse(text) as Packet;
    return Array.isArray(packet?.rubric) && typeof packet.weak?.mean === 'number' && typeof packet.strong?.mean === 'number' ? packet : null;
  } catch {
    return null;
  }
}

/** The positive criterion on which the strong rollouts most outdo the weak ones (or the weak ones least succeed). */
function telling(packet: Packet, by: 'gap' | 'weak-misses'): string {
  let best = -Infinity;
  let chosen = '';
  packet.rubric.forEach((item, position) => {
    if (item.weight <= 0) return;
    const weak = packet.weak.criterion_rates[position] ?? 0;
    const strong = packet.strong.criterion_rates[position] ?? 0;
    const value = by === 'gap' ? strong - weak : -weak + 0.01 * item.weight;
    if (value > best) {
      best = value;
      chosen = item.criterion;
    }
  });
  return chosen;
}

function section(criterion: string): string {
  const cited = /§ \d+/.exec(criterion)?.[0];
  return cited ? ` (${cited})` : '';
}

export function loopVerdict(packet: Packet, rng: () => number): { verdict: 'accept' | 'improve'; suggestion: string; reasons: string[] } {
  const figures = `weak mean ${packet.weak.mean.toFixed(2)} (sd ${packet.weak.sd.toFixed(2)}), strong mean ${packet.strong.mean.toFixed(2)}, gap ${packet.gap.toFixed(2)}`;
  let suggestion = '';
  if (packet.weak.mean < LOOP_JUDGE_BAND.minWeakMean) {
    const step = telling(packet, 'gap');
    suggestion = `Too hard for the weak solver: its rollouts rarely get "${step}"${section(step)}. Make that step easier to reach, for example by pointing the reader to the provision it turns on.`;
  } else if (packet.weak.mean > LOOP_JUDGE_BAND.maxWeakMean) {
    suggestion = 'Too easy: the weak rollouts mostly succeed. Make the question harder, for example by no longer pointing the reader to the decisive provision.';
  } else if (packet.gap < LOOP_JUDGE_BAND.minGap) {
    const step = telling(packet, 'weak-misses');
    suggestion = `The strong rollouts do little better than the weak ones; make the question separate them, e.g. through "${step}"${section(step)}.`;
  } else if (packet.weak.sd < LOOP_JUDGE_BAND.minWeakSd) {
    const step = telling(packet, 'gap');
    suggestion = `The weak rollouts all score about the same; the question should make them disagree, e.g. by making "${step}"${section(step)} reachable for some of them.`;
  }
  const improve = suggestion !== '';
  if (rng() < SLIP) {
    return improve
      ? { verdict: 'accept', suggestion: '', reasons: [figures, 'close enough to be worth keeping'] }
      : { verdict: 'improve', suggestion: 'Worth one more draft: sharpen the step the weak rollouts disagree on most.', reasons: [figures] };
  }
  return improve ? { verdict: 'improve', suggestion, reasons: [figures] } : { verdict: 'accept', suggestion: '', reasons: [figures, 'learnable: the weak rollouts disagree and the strong ones are ahead'] };
}

export const loopJudgePersona: Persona = {
  name: 'loop-judge',
  matches: (request: SimRequest) => schemaName(request) === 'loop_verdict',
  respond(request: SimRequest, { rng }: PersonaContext) {
    const packet = readPacket(tagContent(promptText(request), 'packet') ?? '');
    if (!packet) return { content: JSON.stringify({ verdict: 'improve', suggestion: 'The packet could not be read.', reasons: ['no packet'] }) };
    return { content: JSON.stringify(loopVerdict(packet, rng)) };
  },
};
