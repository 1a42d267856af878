// The postmortem floor's code: Firebreak's own drafting and rendering, built as the production bundle is
// (bench/build.ts), so the floor and the page Firebreak serves run the same JavaScript.
export { draftPostmortem } from '../src/domain/postmortem';
export { answersFromTimeline } from '../src/flows/postmortem-document';
export { postmortemHtml } from '../src/web/postmortem-page';
