// Public API of src/harness: a harness on disk, rendering, edits, diffs and the git workspace.
export { type Harness, type HarnessProblem, contentHash, filesOf, checkHarnessFiles, harnessFromFiles, unsafePathReason } from './harness.ts';
export { loadHarness, readHarnessFolder, writeHarness } from './load-harness.ts';
export { renderPrompt, renderFile, loadMetaPrompts, editableFiles, formatEditableFiles, type MetaPrompts, type TagAttributes } from './render-prompt.ts';
export { harnessSettingsSchema, parseSettings, SETTING_BOUNDS, type SettingBounds, type HarnessSettings, type HarnessSettingsInput } from './settings.ts';
export { harnessManifestSchema, isProtectedFile, MANIFEST_FILE, SETTINGS_FILE, type HarnessManifest } from './manifest.ts';
export { ROLE_PROMPT_FILES, META_PROMPT_FILES, META_PLACEHOLDERS, requiredPlaceholders, requiredRoles, type HarnessRole, type MetaRole } from './roles.ts';
export { findPlaceholders, placeholderProblems } from './placeholders.ts';
export { applyEdits, harnessEditSchema, type HarnessEdit, type ApplyEditsResult, type ApplyEditsOptions } from './apply-edits.ts';
export { closestLines, notFoundHint } from './closest-lines.ts';
export { createHarnessDiff, applyHarnessDiff, diffFiles } from './harness-diff.ts';
export {
  openWorkspace,
  commitCandidate,
  checkoutCandidate,
  readCandidateFiles,
  diffCandidates,
  candidateBranch,
  BASELINE_CANDIDATE_ID,
  type Workspace,
} from './workspace.ts';
