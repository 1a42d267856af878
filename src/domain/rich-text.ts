// Text that names people and links places without knowing the chat platform: each chat adapter renders the
// tokens its own way (Slack writes `<@U…>` and `<url|label>`; another platform has its own syntax). Plain
// strings are literal text, escaped by the renderer, so user-written text can never become a mention.

export type Inline = string | { mention: string } | { link: string; label: string };

/** A plain string, or a run of literal text and tokens. */
export type RichText = string | readonly Inline[];

/** A person on the chat platform, by the platform's user id, shown as the platform shows people. */
export function mention(userId: string): Inline {
  return { mention: userId };
}

export function link(url: string, label: string): Inline {
  return { link: url, label };
}

/** The text as a run of inlines, whichever form it was given in. */
export function inlines(text: RichText): readonly Inline[] {
  return typeof text === 'string' ? [text] : text;
}

/** How one chat platform writes each kind of inline. */
export interface InlineRenderer {
  text(literal: string): string;
  mention(userId: string): string;
  link(url: string, label: string): string;
}

export function renderRichText(text: RichText, render: InlineRenderer): string {
  return inlines(text)
    .map((inline) =>
      typeof inline === 'string'
        ? render.text(inline)
        : 'mention' in inline
          ? render.mention(inline.mention)
          : render.link(inline.link, inline.label),
    )
    .join('');
}

/** Text with no markup at all (a form's error line, a log): people by id, links as "label (url)". */
export const PLAIN_INLINES: InlineRenderer = {
  text: (literal) => literal,
  mention: (userId) => `@${userId}`,
  link: (url, label) => `${label} (${url})`,
};
