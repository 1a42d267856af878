// Emoji shortcodes as the console shows them: the few Firebreak posts become coloured glyphs from DejaVu Sans,
// the one font a fresh Debian with Chromium is sure to have (no emoji font needed); a glyph outside it draws as
// an empty box (the browser test checks every one). Any other shortcode stays as its text, as the brief allows.
import { escapeHtml } from '../../web/html';

interface Glyph {
  glyph: string;
  tone: 'red' | 'orange' | 'yellow' | 'blue' | 'green' | 'grey' | 'purple';
}

const GLYPHS: Readonly<Record<string, Glyph>> = {
  red_circle: { glyph: '●', tone: 'red' },
  large_orange_circle: { glyph: '●', tone: 'orange' },
  large_yellow_circle: { glyph: '●', tone: 'yellow' },
  large_blue_circle: { glyph: '●', tone: 'blue' },
  large_green_circle: { glyph: '●', tone: 'green' },
  white_check_mark: { glyph: '✔', tone: 'green' },
  heavy_check_mark: { glyph: '✔', tone: 'green' },
  x: { glyph: '✖', tone: 'red' },
  warning: { glyph: '⚠', tone: 'orange' },
  rotating_light: { glyph: '◉', tone: 'red' },
  pager: { glyph: '☎', tone: 'purple' },
  memo: { glyph: '✎', tone: 'blue' },
  // A clock face: no hourglass (U+231B, U+23F3, U+29D7) is in DejaVu Sans.
  hourglass_flowing_sand: { glyph: '◷', tone: 'grey' },
  hourglass: { glyph: '◷', tone: 'grey' },
  arrow_up: { glyph: '↑', tone: 'green' },
  arrow_down: { glyph: '↓', tone: 'orange' },
  no_entry: { glyph: '⊘', tone: 'red' },
  no_entry_sign: { glyph: '⊘', tone: 'red' },
  information_source: { glyph: 'ℹ', tone: 'blue' },
  pushpin: { glyph: '⚑', tone: 'red' },
  zap: { glyph: '⚡', tone: 'yellow' },
  star: { glyph: '★', tone: 'yellow' },
  fire: { glyph: '▲', tone: 'orange' },
  tada: { glyph: '★', tone: 'purple' },
  eyes: { glyph: '◉', tone: 'grey' },
  // A stakeholder update, and a nudge asking who leads.
  mega: { glyph: '◀', tone: 'purple' },
  raising_hand: { glyph: '☝', tone: 'orange' },
};

/** The shortcodes the console draws as a glyph, for the test that every glyph has a font. */
export const GLYPH_SHORTCODES: readonly string[] = Object.keys(GLYPHS);

/** Replaces `:name:` shortcodes in already-escaped HTML; a name needs a letter, so "12:30:09" is left alone. */
export function emojiHtml(escaped: string): string {
  return escaped.replace(/:([a-z0-9_+-]*[a-z][a-z0-9_+-]*):/g, (match, name: string) => {
    const known = GLYPHS[name];
    return known
      ? `<span class="emoji tone-${known.tone}" title=":${escapeHtml(name)}:" aria-label="${escapeHtml(name.replace(/_/g, ' '))}">${known.glyph}</span>`
      : match;
  });
}

/** The glyph for a reaction chip, or its shortcode. */
export function reactionHtml(name: string): string {
  return emojiHtml(escapeHtml(`:${name}:`));
}
