// The main agent's tools (names and argument shapes are part of the wire protocol, src/README.md).
import type { ToolSpec } from '../llm/types.ts';

const noArguments = { type: 'object', properties: {}, additionalProperties: false };

export const AGENT_TOOLS: ToolSpec[] = [
  {
    type: 'function',
    function: {
      name: 'call_challenger',
      description:
        'Start a new round: the challenger reads the document and drafts one example (context, question, reference answer, rubric). ' +
        'Your instructions reach the challenger as its feedback.',
      parameters: {
        type: 'object',
        properties: {
          instructions: {
            type: 'string',
            description:
              'What the challenger should do differently this time. Empty: the challenger gets the latest refinement_message as it stands ' +
              '(every failed round so far, with its scores), with no need to copy it here.',
          },
        },
        required: ['instructions'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'call_quality_verifier',
      description: "Check the current round's example for answer leakage, recall-style questions, rubric quality and label match.",
      parameters: noArguments,
    },
  },
  {
    type: 'function',
    function: {
      name: 'evaluate_weak',
      description: 'Have the weak solver answer the verified question several times; each answer is judged against the rubric.',
      parameters: noArguments,
    },
  },
  {
    type: 'function',
    function: {
      name: 'evaluate_strong',
      description: 'Have the strong solver answer the question several times (only after the weak evaluation passed); decides acceptance.',
      parameters: noArguments,
    },
  },
  {
    type: 'function',
    function: {
      name: 'submit',
      description:
        'End the episode. accepted=true only after an example passed both evaluations; accepted=false gives up on this document.',
      parameters: {
        type: 'object',
        properties: { accepted: { type: 'boolean' }, note: { type: 'string' } },
        required: ['accepted', 'note'],
        additionalProperties: false,
      },
    },
  },
];

export const NUDGE_MESSAGE =
  'Your last reply called no tool. Continue the work by calling one of the tools (call_challenger, call_quality_verifier, ' +
  'evaluate_weak, evaluate_strong, submit). Another reply without a tool call ends the episode as given up.';

/**
 * The tools as a harness offers them. With challengersPerRound > 1, call_challenger also takes
 * `angles` (parallel drafts, inner/parallel-drafts.ts); with 1 the tools are exactly AGENT_TOOLS,
 * so those requests stay as they always were.
 */
export function agentTools(challengersPerRound: number): ToolSpec[] {
  if (challengersPerRound <= 1) return AGENT_TOOLS;
  return AGENT_TOOLS.map((tool) => {
    if (tool.function.name !== 'call_challenger') return tool;
    const parameters = tool.function.parameters as { properties: Record<string, unknown> };
    return {
      ...tool,
      function: {
        ...tool.function,
        description:
          `${tool.function.description} With angles, the challenger drafts one example per angle (up to ${challengersPerRound}) in this ` +
          'one round; the quality check and both evaluations then run on every draft still in the running, and the round keeps the ' +
          'best-separating draft (an accepted one first, then the largest gap between the solvers).',
        parameters: {
          ...tool.function.parameters,
          properties: {
            ...parameters.properties,
            angles: {
              type: 'array',
              items: { type: 'string' },
              minItems: 1,
              maxItems: challengersPerRound,
              description:
                'Optional: a different angle for each draft (what aspect of the document it should question, or what kind of reasoning ' +
                'it should need). Each draft reads the instructions, then its angle. Leave it out for a single draft.',
            },
          },
        },
      },
    };
  });
}
