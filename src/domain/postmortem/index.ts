// The postmortem: what it is (model.ts), drafted from the timeline (draft.ts) with rule-based suggestions of
// what to improve (suggestions.ts), its times in the team's zone (clock.ts). Rendered in src/web.
export { localText, postmortemClock } from './clock';
export { ALERTS_LISTED, alertsNamedIn, draftPostmortem, type PostmortemInput } from './draft';
export {
  isPlaceholder,
  type Measure,
  type MeasureSource,
  PLACEHOLDERS,
  placeholder,
  placeholderText,
  type Postmortem,
  type PostmortemAnswers,
  type PostmortemEntryKind,
  type PostmortemFacts,
  type PostmortemMetrics,
  type PostmortemTask,
  type PostmortemTimelineEntry,
  type ScaleStep,
  type ScaleStepOutcome,
} from './model';
