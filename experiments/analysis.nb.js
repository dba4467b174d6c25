// The quick start run as a notebook script. After `npx autodata evolve experiments/quickstart.json`:
//   npx autodata notebook --script experiments/analysis.nb.js --out populations/analysis/quickstart.md
// (or --out populations/analysis/quickstart.ipynb). Cells are separated by lines `// %%`.

// %% What populations/ holds
runs()

// %% The run: status, best candidate, history
const run = load('quickstart')
run

// %% The history as a table
table(run.iterations.map((entry) => ({
  iteration: entry.iteration,
  parent: entry.parentId,
  child: entry.childId,
  decision: entry.decision,
  parentScore: entry.parentScore,
  childScore: entry.childScore,
  calls: entry.calls,
})))

// %% The curve as a picture (beside the transcript when it is written to populations/analysis/)
await curve('quickstart', { out: 'populations/analysis/quickstart-curve.png' })

// %% The first three accepted examples
examples('quickstart').slice(0, 3)
