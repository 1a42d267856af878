// Block Kit as the console shows it: a typed switch over the blocks Firebreak posts (header, section with
// fields and accessory, context, actions, divider…) and, for any other block, the text it carries. A viewer,
// not a validator: a block it cannot read is shown as its text, never as an error.
import type {
  ActionsBlockElement,
  Button,
  ConfirmationDialog,
  ContextBlockElement,
  KnownBlock,
  SectionBlockAccessory,
  TextObject,
} from '@slack/types';
import { html, join, type SafeHtml } from './html';
import { mrkdwnHtml, mrkdwnPlain, plainHtml, type NameLookup } from './mrkdwn';

export interface BlockContext extends NameLookup {
  /** Where a button click goes; without it buttons are shown but do nothing (ephemeral messages, modals). */
  click?: { channelId: string; messageTs: string; actingUser: string };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function textHtml(text: TextObject | undefined, ctx: NameLookup): SafeHtml {
  if (!text || typeof text.text !== 'string') return html``;
  return text.type === 'mrkdwn' ? mrkdwnHtml(text.text, ctx) : plainHtml(text.text);
}

/** Every string under a `text` key, depth first: what a block we do not draw still says. */
export function textsIn(value: unknown, depth = 0): string[] {
  if (depth > 8) return [];
  if (Array.isArray(value)) return value.flatMap((v) => textsIn(v, depth + 1));
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === 'text' && typeof v === 'string' ? [v] : textsIn(v, depth + 1),
  );
}

function safeUrl(url: unknown): string | null {
  return typeof url === 'string' && /^https?:/i.test(url) ? url : null;
}

function confirmText(dialog: ConfirmationDialog, ctx: NameLookup): string {
  const body = dialog.text.type === 'mrkdwn' ? mrkdwnPlain(dialog.text.text, ctx) : dialog.text.text;
  return [dialog.title?.text, body].filter((part): part is string => Boolean(part)).join('\n\n');
}

function buttonHtml(button: Button, blockId: string, ctx: BlockContext): SafeHtml {
  const classes = `bk-btn${button.style ? ` bk-btn-${button.style}` : ''}`;
  const label = plainHtml(button.text?.text ?? button.action_id ?? 'Button');
  const url = safeUrl(button.url);
  if (url) return html`<a class="${classes}" href="${url}" target="_blank" rel="noopener noreferrer">${label}</a>`;
  if (!ctx.click || !button.action_id)
    return html`<button class="${classes}" type="button" disabled title="Buttons work on messages in a channel">${label}</button>`;
  const confirm = button.confirm ? confirmText(button.confirm, ctx) : null;
  // A form per button: it works without the script, and the script turns `data-confirm` into a browser confirm().
  return html`<form class="bk-btn-form" method="post" action="/sandbox/click"${confirm ? html` data-confirm="${confirm}"` : ''}>
<input type="hidden" name="channel" value="${ctx.click.channelId}"><input type="hidden" name="ts" value="${ctx.click.messageTs}"><input type="hidden" name="as" value="${ctx.click.actingUser}">
<input type="hidden" name="action_id" value="${button.action_id}"><input type="hidden" name="block_id" value="${blockId}">${button.value !== undefined ? html`<input type="hidden" name="value" value="${button.value}">` : ''}
<button class="${classes}" type="submit">${label}</button></form>`;
}

/** An interactive element in a message: buttons work; the rest are shown by what they offer. */
function elementHtml(
  element: ActionsBlockElement | SectionBlockAccessory,
  blockId: string,
  ctx: BlockContext,
): SafeHtml {
  switch (element.type) {
    case 'button':
      return buttonHtml(element, blockId, ctx);
    case 'image':
      return html`<span class="bk-image-chip" title="${element.alt_text}">▣ ${element.alt_text}</span>`;
    case 'overflow':
      return html`<span class="bk-chip" title="${element.options.map((o) => o.text.text).join(', ')}">⋯</span>`;
    case 'static_select':
    case 'users_select':
    case 'conversations_select':
    case 'channels_select':
    case 'external_select':
    case 'multi_static_select':
    case 'multi_users_select':
    case 'multi_conversations_select':
    case 'multi_channels_select':
    case 'multi_external_select':
      return html`<span class="bk-chip">${element.placeholder?.text ?? 'Select'} ▾</span>`;
    case 'datepicker':
      return html`<span class="bk-chip">${element.initial_date ?? element.placeholder?.text ?? 'Pick a date'}</span>`;
    default: {
      const texts = textsIn(element);
      return html`<span class="bk-chip" title="${element.type}">${texts.join(' · ') || element.type}</span>`;
    }
  }
}

function contextElementHtml(element: ContextBlockElement, ctx: NameLookup): SafeHtml {
  if (element.type === 'image') return html`<span class="bk-context-image" title="${element.alt_text}">▣</span>`;
  return html`<span class="bk-context-text">${textHtml(element, ctx)}</span>`;
}

function fallbackHtml(block: unknown): SafeHtml {
  const type = isObject(block) && typeof block.type === 'string' ? block.type : 'unknown';
  const texts = textsIn(block);
  return html`<div class="bk-fallback" data-block-type="${type}"><span class="bk-fallback-type">${type}</span> ${texts.join('\n') || '(no text)'}</div>`;
}

function blockHtml(block: KnownBlock, index: number, ctx: BlockContext): SafeHtml {
  // Slack gives a block without an id one when it stores the message; FakeSlack's are block-<index>.
  const blockId = block.block_id ?? `block-${index}`;
  switch (block.type) {
    case 'header':
      return html`<div class="bk-header">${plainHtml(block.text.text)}</div>`;
    case 'section': {
      const fields = block.fields ?? [];
      return html`<div class="bk-section${block.accessory ? ' has-accessory' : ''}" data-block-id="${blockId}">
<div class="bk-section-body">${block.text ? html`<div class="bk-text">${textHtml(block.text, ctx)}</div>` : ''}${fields.length > 0 ? html`<div class="bk-fields">${fields.map((f) => html`<div class="bk-field">${textHtml(f, ctx)}</div>`)}</div>` : ''}</div>
${block.accessory ? html`<div class="bk-accessory">${elementHtml(block.accessory, blockId, ctx)}</div>` : ''}</div>`;
    }
    case 'context':
      return html`<div class="bk-context">${block.elements.map((e) => contextElementHtml(e, ctx))}</div>`;
    case 'actions':
      return html`<div class="bk-actions" data-block-id="${blockId}">${block.elements.map((e) => elementHtml(e, blockId, ctx))}</div>`;
    case 'divider':
      return html`<hr class="bk-divider">`;
    case 'image': {
      const url = 'image_url' in block ? safeUrl(block.image_url) : null;
      const label = block.title?.text ?? block.alt_text;
      return html`<div class="bk-image">${url ? html`<a href="${url}" target="_blank" rel="noopener noreferrer">▣ ${label}</a>` : html`▣ ${label}`}</div>`;
    }
    case 'markdown':
      return html`<div class="bk-markdown">${block.text}</div>`;
    case 'input':
      return html`<div class="bk-input-preview"><div class="bk-label">${block.label.text}</div><div class="bk-chip">${block.element.type}</div></div>`;
    default:
      return fallbackHtml(block);
  }
}

/** A message's (or a modal's non-input) blocks. Anything unreadable in one block shows as that block's text. */
export function blocksHtml(blocks: readonly unknown[], ctx: BlockContext): SafeHtml {
  return join(
    blocks.map((block, index) => {
      if (!isObject(block) || typeof block.type !== 'string') return fallbackHtml(block);
      try {
        // A viewer's trust: the shape is Slack's, checked by FakeSlack when the app posted it.
        return blockHtml(block as unknown as KnownBlock, index, ctx);
      } catch {
        return fallbackHtml(block);
      }
    }),
  );
}
