// Vocabulary for the procedural corpus: research areas, each with invented datasets and baselines,
// and method components whose mechanisms the papers' insights are built from.

export interface Component {
  /** Noun phrase: "shard-local cache". */
  name: string;
  /** Present-tense verb phrase, subject is the method: "caches query embeddings per shard". */
  action: string;
  /** A tunable setting and the values swept. */
  knob: string;
  knobValues: number[];
  /** Why more of the knob stops helping. */
  saturation: string;
  /** Condition under which the component pays off / stops paying off. */
  helpsWhen: string;
  hurtsWhen: string;
}

export interface Topic {
  area: string;
  field: string;
  problem: string;
  unit: string;
  datasets: string[];
  metric: { name: string; higherIsBetter: boolean; low: number; high: number };
  baselines: string[];
  /** A resource the method spends more of (used for trade-offs). */
  cost: string;
  /** What grows in the scaling experiment, and why the gap widens with it. */
  scale: { variable: string; settings: string[]; reason: string };
  /** Method-name suffixes that suit the area. */
  suffixes: string[];
  components: Component[];
}

export const TOPICS: Topic[] = [
  {
    area: 'dense retrieval',
    field: 'information retrieval',
    problem: 'finding the few relevant passages for a query in a collection of millions',
    unit: 'query',
    datasets: ['PassageBank-2M', 'TechQA-Corpus', 'LegalHop', 'NewsTrail-50K'],
    metric: { name: 'Recall@10', higherIsBetter: true, low: 48, high: 82 },
    baselines: ['LexMatch', 'TwinEncoder', 'ColBank'],
    cost: 'index memory',
    scale: { variable: 'collection size', settings: ['100K', '1M', '10M'], reason: 'lexical overlap becomes less discriminative as near-duplicate passages accumulate' },
    suffixes: ['-Ret', 'Rank', '-IR'],
    components: [
      { name: 'shard-local embedding cache', action: 'caches query embeddings per shard', knob: 'cache size per shard (thousands of entries)', knobValues: [1, 2, 4, 8, 16], saturation: 'the hit rate is already above ninety percent once the cache holds the popular queries', helpsWhen: 'queries repeat across sessions', hurtsWhen: 'the query distribution drifts within a day' },
      { name: 'hard-negative curriculum', action: 'mines hard negatives from its own earlier checkpoints', knob: 'negatives per query', knobValues: [2, 4, 8, 16, 32], saturation: 'additional negatives are mostly false negatives that share the answer', helpsWhen: 'relevant and irrelevant passages share most of their vocabulary', hurtsWhen: 'the labels are sparse and many unlabeled passages are in fact relevant' },
      { name: 'two-stage reranker', action: 're-scores the top candidates with a cross-attention model', knob: 'candidates passed to the reranker', knobValues: [20, 50, 100, 200, 400], saturation: 'the first stage rarely places a relevant passage below rank one hundred', helpsWhen: 'the first stage already has high recall', hurtsWhen: 'the latency budget is below twenty milliseconds per query' },
      { name: 'query rewriting module', action: 'rewrites each query into several paraphrases before encoding', knob: 'paraphrases per query', knobValues: [1, 2, 3, 4, 6], saturation: 'later paraphrases repeat the wording of the first ones', helpsWhen: 'queries are short and ambiguous', hurtsWhen: 'queries contain exact identifiers such as error codes' },
    ],
  },
  {
    area: 'compiler optimization',
    field: 'programming languages',
    problem: 'choosing optimization passes that speed up real programs without exploding compile time',
    unit: 'function',
    datasets: ['KernelSuite-7', 'EmbedBench', 'ServerLoops', 'NumericCore'],
    metric: { name: 'speedup over -O2 (%)', higherIsBetter: true, low: 3, high: 24 },
    baselines: ['GreedyPass', 'AutoPhase-Lite', 'StaticHeur'],
    cost: 'compile time',
    scale: { variable: 'program size', settings: ['small', 'medium', 'large'], reason: 'larger programs contain more hot loops whose pass order matters' },
    suffixes: ['-Opt', 'Pass', '-CC'],
    components: [
      { name: 'loop-aware cost model', action: 'predicts the run time of each loop nest from its memory access pattern', knob: 'training loops (thousands)', knobValues: [1, 5, 10, 20, 40], saturation: 'the remaining error comes from cache effects the features cannot see', helpsWhen: 'the hot code is dominated by nested loops', hurtsWhen: 'the program spends most of its time in system calls' },
      { name: 'pass-sequence search', action: 'searches over pass orderings with a beam guided by the cost model', knob: 'beam width', knobValues: [1, 2, 4, 8, 16], saturation: 'the top orderings differ only in passes that do not interact', helpsWhen: 'passes interact strongly, as inlining and vectorization do', hurtsWhen: 'compile time is capped at a few seconds per file' },
      { name: 'profile-guided pruning', action: 'skips functions that a sampling profile marks as cold', knob: 'hotness threshold (% of samples)', knobValues: [0.5, 1, 2, 5, 10], saturation: 'almost all run time is already covered by the functions above the threshold', helpsWhen: 'run time is concentrated in a few functions', hurtsWhen: 'the profile was collected on an input unlike production' },
      { name: 'vectorization hint generator', action: 'emits alignment and trip-count hints before vectorization', knob: 'hints per loop', knobValues: [1, 2, 3, 4, 6], saturation: 'the vectorizer ignores hints once the loop is already vectorized', helpsWhen: 'loop trip counts are known only at run time', hurtsWhen: 'loops contain data-dependent control flow' },
    ],
  },
  {
    area: 'graph representation learning',
    field: 'machine learning on graphs',
    problem: 'learning node representations that stay accurate on large, heterophilous graphs',
    unit: 'node',
    datasets: ['CiteWeb-L', 'ProteinMesh', 'TradeNet', 'SocialRing-5M'],
    metric: { name: 'node classification accuracy (%)', higherIsBetter: true, low: 61, high: 91 },
    baselines: ['PlainGCN', 'SampleSAGE', 'AttnGraph'],
    cost: 'training memory',
    scale: { variable: 'graph size', settings: ['50K nodes', '500K nodes', '5M nodes'], reason: 'neighbourhood sampling drops more informative edges on larger graphs' },
    suffixes: ['-GNN', 'Graph', '-G'],
    components: [
      { name: 'heterophily-aware aggregator', action: 'weights each neighbour by how similar its label distribution is', knob: 'aggregation hops', knobValues: [1, 2, 3, 4, 5], saturation: 'distant neighbourhoods blur into the same average representation', helpsWhen: 'linked nodes often carry different labels', hurtsWhen: 'the graph is strongly homophilous and plain averaging already works' },
      { name: 'subgraph sketching', action: 'summarises each two-hop neighbourhood in a fixed-size sketch', knob: 'sketch width', knobValues: [16, 32, 64, 128, 256], saturation: 'wider sketches only encode rare structural patterns that do not affect labels', helpsWhen: 'memory is the bottleneck', hurtsWhen: 'node degrees vary by several orders of magnitude' },
      { name: 'positional encoding refresh', action: 'recomputes positional encodings every few epochs', knob: 'refresh interval (epochs)', knobValues: [1, 2, 5, 10, 20], saturation: 'the encodings barely change once the embeddings have converged', helpsWhen: 'the graph changes during training', hurtsWhen: 'the graph is static and small' },
      { name: 'label-propagation warm start', action: 'initialises node features with propagated training labels', knob: 'propagation steps', knobValues: [1, 2, 4, 8, 16], saturation: 'propagated labels converge to the class prior', helpsWhen: 'few nodes are labeled', hurtsWhen: 'the labeled nodes cluster in one region of the graph' },
    ],
  },
  {
    area: 'distributed scheduling',
    field: 'distributed systems',
    problem: 'placing short tasks on a shared cluster without long queueing tails',
    unit: 'task',
    datasets: ['BurstTrace-19', 'BatchMix', 'MicroSvc-Week', 'GridLog-3'],
    metric: { name: 'p99 latency (ms)', higherIsBetter: false, low: 40, high: 420 },
    baselines: ['RoundRobin+', 'PowerOfTwo', 'CentralQueue'],
    cost: 'scheduler CPU time',
    scale: { variable: 'cluster size', settings: ['64 nodes', '512 nodes', '4096 nodes'], reason: 'stale load information hurts the baselines more when there are more machines to mis-choose' },
    suffixes: ['-Sched', 'Flow', '-DS'],
    components: [
      { name: 'load-probe batching', action: 'batches load probes from many schedulers into one message per node', knob: 'probe batch size', knobValues: [4, 8, 16, 32, 64], saturation: 'the probe round trip, not message count, then dominates', helpsWhen: 'thousands of tasks arrive per second', hurtsWhen: 'arrivals are sparse and each probe waits for a full batch' },
      { name: 'deadline-aware queue', action: 'orders each worker queue by slack until the task deadline', knob: 'priority levels', knobValues: [2, 4, 8, 16, 32], saturation: 'tasks with nearly equal slack gain nothing from finer levels', helpsWhen: 'tasks have heterogeneous deadlines', hurtsWhen: 'most tasks declare no deadline at all' },
      { name: 'work-stealing fallback', action: 'lets idle workers steal tasks from the longest queue', knob: 'steal attempts per idle period', knobValues: [1, 2, 4, 8, 16], saturation: 'after a few attempts every long queue has been found', helpsWhen: 'task durations are heavy-tailed', hurtsWhen: 'tasks have strong data locality' },
      { name: 'admission controller', action: 'delays new jobs when the predicted queueing delay exceeds a budget', knob: 'delay budget (ms)', knobValues: [5, 10, 20, 50, 100], saturation: 'larger budgets admit nearly every job anyway', helpsWhen: 'load arrives in bursts', hurtsWhen: 'the load is steady and close to capacity' },
    ],
  },
  {
    area: 'sample-efficient reinforcement learning',
    field: 'reinforcement learning',
    problem: 'learning good policies from few environment interactions',
    unit: 'episode',
    datasets: ['GridQuest-12', 'ArmReach-Sim', 'PixelMaze', 'StockPick-Env'],
    metric: { name: 'normalised return', higherIsBetter: true, low: 22, high: 88 },
    baselines: ['VanillaPPO', 'ReplaySAC', 'ModelLite'],
    cost: 'wall-clock training time',
    scale: { variable: 'interaction budget', settings: ['100K steps', '500K steps', '2M steps'], reason: 'the learned model keeps improving while model-free baselines plateau on exploration' },
    suffixes: ['-RL', 'Agent', 'Policy'],
    components: [
      { name: 'short-horizon world model', action: 'plans with a learned model over a few steps only', knob: 'planning horizon (steps)', knobValues: [1, 3, 5, 10, 20], saturation: 'model errors compound beyond a handful of steps', helpsWhen: 'rewards are dense', hurtsWhen: 'the environment has stochastic transitions the model cannot fit' },
      { name: 'uncertainty-driven exploration bonus', action: 'adds a bonus proportional to the disagreement of an ensemble', knob: 'ensemble size', knobValues: [2, 3, 5, 7, 10], saturation: 'extra members agree with the existing ones', helpsWhen: 'rewards are sparse', hurtsWhen: 'the observation contains a noisy component such as a ticking clock' },
      { name: 'prioritised replay with recency', action: 'replays recent high-error transitions more often', knob: 'recency half-life (K steps)', knobValues: [5, 10, 25, 50, 100], saturation: 'old transitions are already replayed rarely', helpsWhen: 'the policy changes quickly', hurtsWhen: 'rare but important events happened early in training' },
      { name: 'value-target clipping', action: 'clips bootstrapped value targets to a running range', knob: 'clip range (standard deviations)', knobValues: [1, 2, 3, 5, 8], saturation: 'wide ranges stop clipping anything', helpsWhen: 'returns have outliers', hurtsWhen: 'the reward scale changes across tasks' },
    ],
  },
  {
    area: 'program synthesis',
    field: 'program synthesis',
    problem: 'generating programs that satisfy input-output examples and hidden tests',
    unit: 'task',
    datasets: ['SynthBench-400', 'StringOps', 'TableXform', 'ListPuzzles'],
    metric: { name: 'pass@1 (%)', higherIsBetter: true, low: 18, high: 71 },
    baselines: ['EnumSearch', 'SampleRank', 'SketchFill'],
    cost: 'candidate programs executed',
    scale: { variable: 'sampling budget', settings: ['10 samples', '100 samples', '1000 samples'], reason: 'the verifier keeps filtering plausible but wrong candidates that ranking by likelihood lets through' },
    suffixes: ['-Syn', 'Code', '-PS'],
    components: [
      { name: 'execution-guided pruning', action: 'runs partial programs on the examples and discards prefixes that already disagree', knob: 'examples executed per prefix', knobValues: [1, 2, 3, 5, 8], saturation: 'a wrong prefix is almost always caught by the first two examples', helpsWhen: 'programs are built from small composable operations', hurtsWhen: 'operations have side effects that make partial execution unreliable' },
      { name: 'type-directed grammar', action: 'restricts each expansion to operations whose types fit the hole', knob: 'maximum expression depth', knobValues: [3, 4, 5, 6, 8], saturation: 'deeper expressions are rarely needed by the benchmark tasks', helpsWhen: 'the domain-specific language is strongly typed', hurtsWhen: 'most operations are polymorphic' },
      { name: 'learned verifier', action: 'scores candidates with a classifier trained on which programs pass hidden tests', knob: 'candidates scored', knobValues: [5, 10, 25, 50, 100], saturation: 'the verifier ranks the correct program first once it appears among the candidates', helpsWhen: 'many candidates fit the visible examples', hurtsWhen: 'the hidden tests probe edge cases absent from training' },
      { name: 'library abstraction step', action: 'extracts recurring sub-programs into reusable functions between rounds', knob: 'abstraction rounds', knobValues: [1, 2, 3, 4, 6], saturation: 'later rounds find only abstractions that are used once', helpsWhen: 'tasks share structure', hurtsWhen: 'each task needs a different idiom' },
    ],
  },
  {
    area: 'query optimization',
    field: 'database systems',
    problem: 'picking join orders that stay fast when cardinality estimates are wrong',
    unit: 'query',
    datasets: ['JoinStress-113', 'RetailSchema', 'SensorStar', 'TPC-Like-10'],
    metric: { name: 'total execution time (s)', higherIsBetter: false, low: 35, high: 310 },
    baselines: ['DPsize', 'HistogramCE', 'BanditPlan'],
    cost: 'planning time',
    scale: { variable: 'number of joins', settings: ['4 joins', '8 joins', '16 joins'], reason: 'estimation errors multiply with every join the plan adds' },
    suffixes: ['-QO', 'Plan', 'DB'],
    components: [
      { name: 'sampling-based cardinality corrector', action: 'corrects join cardinalities with small correlated samples', knob: 'sample size (thousands of rows)', knobValues: [1, 2, 5, 10, 20], saturation: 'the remaining error comes from predicates the samples never satisfy', helpsWhen: 'columns are correlated across tables', hurtsWhen: 'predicates are so selective that samples return no rows' },
      { name: 'robust plan selection', action: 'prefers plans whose cost degrades slowly when estimates are off', knob: 'error tolerance factor', knobValues: [1.5, 2, 4, 8, 16], saturation: 'very robust plans are uniformly slow', helpsWhen: 'estimates are off by orders of magnitude', hurtsWhen: 'statistics are fresh and accurate' },
      { name: 'mid-query re-optimization', action: 're-plans the remaining joins when an operator produces far more rows than expected', knob: 're-plan threshold (x estimate)', knobValues: [2, 4, 8, 16, 32], saturation: 'high thresholds rarely trigger re-planning', helpsWhen: 'queries are long-running', hurtsWhen: 'queries finish in milliseconds and re-planning overhead dominates' },
      { name: 'plan cache with parameter buckets', action: 'reuses plans for parameter values that fall in the same selectivity bucket', knob: 'buckets per parameter', knobValues: [2, 4, 8, 16, 32], saturation: 'neighbouring buckets end up with the same plan', helpsWhen: 'the same query template runs with many parameter values', hurtsWhen: 'data skew makes one bucket contain very different selectivities' },
    ],
  },
  {
    area: 'efficient visual recognition',
    field: 'computer vision',
    problem: 'recognising objects on low-power devices without losing much accuracy',
    unit: 'image',
    datasets: ['TinyObjects-30', 'StreetSigns-Edge', 'FieldBirds', 'ShelfScan'],
    metric: { name: 'top-1 accuracy (%)', higherIsBetter: true, low: 58, high: 89 },
    baselines: ['MobileBase', 'PrunedRes', 'DistillNet'],
    cost: 'training compute',
    scale: { variable: 'input resolution', settings: ['128 px', '224 px', '384 px'], reason: 'the token merging saves proportionally more work when there are more patches' },
    suffixes: ['-Vis', 'Net', '-V'],
    components: [
      { name: 'early-exit heads', action: 'stops inference at an intermediate layer when the prediction is confident', knob: 'exit confidence threshold', knobValues: [0.5, 0.6, 0.7, 0.8, 0.9], saturation: 'above this threshold almost no image exits early', helpsWhen: 'most images are easy', hurtsWhen: 'the class distribution at deployment differs from training' },
      { name: 'patch-token merging', action: 'merges visually similar patches before the deeper layers', knob: 'merge ratio (%)', knobValues: [10, 20, 30, 40, 50], saturation: 'aggressive merging removes the small objects the classifier needs', helpsWhen: 'images have large uniform regions', hurtsWhen: 'the target objects are small relative to the frame' },
      { name: 'quantisation-aware distillation', action: 'distils from a full-precision teacher while simulating 4-bit weights', knob: 'distillation temperature', knobValues: [1, 2, 4, 8, 16], saturation: 'high temperatures flatten the teacher signal', helpsWhen: 'the deployment hardware only runs low-bit arithmetic', hurtsWhen: 'the teacher itself is weak on the target domain' },
      { name: 'augmentation schedule', action: 'increases augmentation strength as training progresses', knob: 'final augmentation strength', knobValues: [1, 2, 3, 4, 5], saturation: 'strong augmentation produces images unlike any test image', helpsWhen: 'the training set is small', hurtsWhen: 'labels depend on colour or orientation' },
    ],
  },
  {
    area: 'LLM inference serving',
    field: 'machine learning systems',
    problem: 'serving large language models with high throughput under latency objectives',
    unit: 'request',
    datasets: ['ChatLog-7D', 'CodeAssist-Trace', 'DocSumm-Batch', 'AgentLoop-Mix'],
    metric: { name: 'throughput (requests/s)', higherIsBetter: true, low: 12, high: 95 },
    baselines: ['StaticBatch', 'PagedServe', 'ContinuousQ'],
    cost: 'GPU memory',
    scale: { variable: 'concurrent users', settings: ['16 users', '128 users', '1024 users'], reason: 'prefix sharing finds more reusable prompts when more users send similar requests' },
    suffixes: ['-Serve', 'Infer', '-LM'],
    components: [
      { name: 'prefix-sharing KV cache', action: 'shares key-value cache blocks among requests with a common prompt prefix', knob: 'cache block size (tokens)', knobValues: [8, 16, 32, 64, 128], saturation: 'large blocks waste memory on partially shared prefixes', helpsWhen: 'requests share long system prompts', hurtsWhen: 'every prompt is unique' },
      { name: 'speculative draft model', action: 'drafts several tokens with a small model and verifies them in one pass', knob: 'draft length (tokens)', knobValues: [1, 2, 4, 6, 8], saturation: 'acceptance of later draft tokens falls off quickly', helpsWhen: 'outputs are predictable, as in code completion', hurtsWhen: 'sampling temperature is high' },
      { name: 'length-aware batching', action: 'groups requests by predicted output length', knob: 'length buckets', knobValues: [2, 4, 8, 16, 32], saturation: 'the length predictor is not precise enough to fill finer buckets', helpsWhen: 'output lengths vary widely', hurtsWhen: 'the predictor is trained on a different workload' },
      { name: 'preemption with recomputation', action: 'evicts long-running requests and recomputes their cache later', knob: 'preemption budget (% of steps)', knobValues: [1, 2, 5, 10, 20], saturation: 'frequent preemption wastes the work already done', helpsWhen: 'memory pressure comes in bursts', hurtsWhen: 'prompts are very long and recomputation is expensive' },
    ],
  },
  {
    area: 'coverage-guided fuzzing',
    field: 'software security',
    problem: 'finding bugs in parsers and protocol implementations within a fixed CPU budget',
    unit: 'input',
    datasets: ['ParserZoo-14', 'ProtoFuzz-8', 'ImageLibs', 'ConfigLangs'],
    metric: { name: 'edge coverage (thousands)', higherIsBetter: true, low: 9, high: 48 },
    baselines: ['AFL-Style', 'GrammarFuzz', 'RandMutate'],
    cost: 'executions per second',
    scale: { variable: 'campaign length', settings: ['1 hour', '6 hours', '24 hours'], reason: 'the seed scheduler keeps finding new branches after mutation-only fuzzers saturate' },
    suffixes: ['-Fuzz', 'Probe', '-F'],
    components: [
      { name: 'grammar-inferred mutator', action: 'infers a rough input grammar from seeds and mutates along it', knob: 'grammar rules kept', knobValues: [50, 100, 200, 400, 800], saturation: 'rare rules describe inputs the target rejects early', helpsWhen: 'inputs are highly structured', hurtsWhen: 'the format is binary with checksums' },
      { name: 'rarity-weighted seed scheduler', action: 'picks seeds that exercise rarely hit branches more often', knob: 'rarity exponent', knobValues: [0.5, 1, 1.5, 2, 3], saturation: 'a steep exponent starves the common paths that lead to new code', helpsWhen: 'deep code sits behind common prefixes', hurtsWhen: 'coverage feedback is noisy' },
      { name: 'comparison solver', action: 'solves magic-value comparisons by logging their operands', knob: 'comparisons logged per run', knobValues: [16, 32, 64, 128, 256], saturation: 'few programs compare against more distinct constants', helpsWhen: 'the target checks magic bytes', hurtsWhen: 'comparisons happen inside hashing code' },
      { name: 'crash deduplicator', action: 'groups crashes by a stack hash before triage', knob: 'stack frames hashed', knobValues: [1, 2, 3, 5, 8], saturation: 'deeper frames split one bug into many groups', helpsWhen: 'many inputs trigger the same bug', hurtsWhen: 'stack traces are truncated by inlining' },
    ],
  },
];

export const NAME_STEMS = [
  'Graft', 'Lattice', 'Prism', 'Ember', 'Tessel', 'Quill', 'Vortex', 'Cinder', 'Harbor', 'Atlas', 'Kestrel', 'Spire',
  'Mosaic', 'Relay', 'Tandem', 'Sable', 'Orbit', 'Juniper', 'Beacon', 'Ferrule', 'Marrow', 'Nimbus', 'Plinth', 'Rivet',
];
