// Modals in the console: which one the person has open, its input blocks as an HTML form, and the form's
// answers turned into the `view.state.values` Slack sends with a view_submission.
import type { InputBlock, InputBlockElement, Option, PlainTextElement } from '@slack/types';
import { blocksHtml, type BlockContext } from './block-kit';
import type { ModalAttempt } from './console-state';
import { viewKey } from './console-state';
import { html, type SafeHtml } from './html';
import { plainHtml } from './mrkdwn';
import { ACTING_USERS } from './people';

type Json = Record<string, unknown>;
export type FormValue = string | string[] | undefined;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function blocksOf(view: Json): unknown[] {
  return Array.isArray(view.blocks) ? view.blocks : [];
}

function isInput(block: unknown): block is InputBlock {
  return isObject(block) && block.type === 'input' && isObject(block.element) && typeof block.element.type === 'string';
}

/**
 * The modal the person sees: their latest view, unless they closed it; then the one it was pushed over.
 * FakeSlack lists every view shown, so the console keeps which ones were closed (submitted or cancelled).
 */
export function openModal(views: readonly unknown[], isClosed: (key: string) => boolean): Json | undefined {
  const list = views.filter(isObject);
  const byId = new Map(list.map((v) => [String(v.id), v]));
  let current = list.at(-1);
  const seen = new Set<string>();
  while (current && isClosed(viewKey(current))) {
    const previous = current.previous_view_id;
    if (typeof previous !== 'string' || seen.has(previous)) return undefined;
    seen.add(previous);
    current = byId.get(previous);
  }
  return current;
}

export interface ChannelOption {
  id: string;
  name: string;
}

function fieldName(index: number): string {
  return `in-${index}`;
}

function asList(value: FormValue): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function first(value: FormValue): string {
  return asList(value)[0] ?? '';
}

function allOptions(element: { options?: Option[]; option_groups?: Array<{ options: Option[] }> }): Option[] {
  return [...(element.options ?? []), ...(element.option_groups ?? []).flatMap((g) => g.options)];
}

function optionHtml(value: string, label: string, selected: boolean): SafeHtml {
  return html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
}

function selectHtml(
  name: string,
  id: string,
  choices: Array<{ value: string; label: string }>,
  chosen: string[],
  options: { multiple: boolean; required: boolean; placeholder?: PlainTextElement },
): SafeHtml {
  return html`<select name="${name}" id="${id}"${options.multiple ? html` multiple` : ''}${options.required ? html` required` : ''}>
${options.multiple ? '' : html`<option value="">${options.placeholder?.text ?? 'Choose…'}</option>`}${choices.map((c) => optionHtml(c.value, c.label, chosen.includes(c.value)))}</select>`;
}

/** The HTML control for one input element, showing `typed` (a failed submission's values) or its initial value. */
function controlHtml(
  element: InputBlockElement,
  name: string,
  id: string,
  required: boolean,
  typed: FormValue,
  channels: readonly ChannelOption[],
): SafeHtml {
  const req = required ? html` required` : '';
  switch (element.type) {
    case 'plain_text_input': {
      const value = typed !== undefined ? first(typed) : (element.initial_value ?? '');
      const attrs = html`name="${name}" id="${id}"${element.placeholder ? html` placeholder="${element.placeholder.text}"` : ''}${element.max_length ? html` maxlength="${element.max_length}"` : ''}${element.min_length ? html` minlength="${element.min_length}"` : ''}${req}`;
      return element.multiline
        ? html`<textarea ${attrs} rows="3">${value}</textarea>`
        : html`<input type="text" ${attrs} value="${value}">`;
    }
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input': {
      const type = element.type === 'number_input' ? 'number' : element.type === 'email_text_input' ? 'email' : 'url';
      const value = typed !== undefined ? first(typed) : (element.initial_value ?? '');
      const step = element.type === 'number_input' && element.is_decimal_allowed ? html` step="any"` : '';
      return html`<input type="${type}" name="${name}" id="${id}" value="${value}"${step}${element.placeholder ? html` placeholder="${element.placeholder.text}"` : ''}${req}>`;
    }
    case 'static_select':
    case 'multi_static_select': {
      const multiple = element.type === 'multi_static_select';
      const initial =
        element.type === 'static_select'
          ? element.initial_option
            ? [element.initial_option]
            : []
          : (element.initial_options ?? []);
      const chosen = typed !== undefined ? asList(typed) : initial.map((o) => o.value ?? '');
      const choices = allOptions(element).map((o) => ({ value: o.value ?? '', label: o.text.text }));
      return selectHtml(name, id, choices, chosen, {
        multiple,
        required,
        ...(element.placeholder ? { placeholder: element.placeholder } : {}),
      });
    }
    case 'users_select':
    case 'multi_users_select': {
      const multiple = element.type === 'multi_users_select';
      const initial =
        element.type === 'users_select'
          ? element.initial_user
            ? [element.initial_user]
            : []
          : (element.initial_users ?? []);
      const chosen = typed !== undefined ? asList(typed) : initial;
      return selectHtml(
        name,
        id,
        ACTING_USERS.map((u) => ({ value: u.id, label: u.name })),
        chosen,
        { multiple, required },
      );
    }
    case 'conversations_select':
    case 'channels_select':
    case 'multi_conversations_select':
    case 'multi_channels_select': {
      const multiple = element.type.startsWith('multi_');
      const chosen = asList(typed);
      return selectHtml(
        name,
        id,
        channels.map((c) => ({ value: c.id, label: `#${c.name}` })),
        chosen,
        { multiple, required },
      );
    }
    case 'radio_buttons':
    case 'checkboxes': {
      const multiple = element.type === 'checkboxes';
      const initial =
        element.type === 'radio_buttons'
          ? element.initial_option
            ? [element.initial_option]
            : []
          : (element.initial_options ?? []);
      const chosen = typed !== undefined ? asList(typed) : initial.map((o) => o.value ?? '');
      return html`<div class="choices" id="${id}">${element.options.map(
        (o, i) =>
          html`<label class="choice"><input type="${multiple ? 'checkbox' : 'radio'}" name="${name}" value="${o.value ?? ''}"${chosen.includes(o.value ?? '') ? html` checked` : ''}${required && !multiple && i === 0 ? req : ''}> ${o.text.text}</label>`,
      )}</div>`;
    }
    case 'datepicker':
      return html`<input type="date" name="${name}" id="${id}" value="${typed !== undefined ? first(typed) : (element.initial_date ?? '')}"${req}>`;
    case 'timepicker':
      return html`<input type="time" name="${name}" id="${id}" value="${typed !== undefined ? first(typed) : (element.initial_time ?? '')}"${req}>`;
    case 'datetimepicker':
      return html`<input type="datetime-local" name="${name}" id="${id}" value="${first(typed)}"${req}>`;
    default:
      // file_input, rich_text_input, external selects: typed as text, sent as `value`.
      return html`<input type="text" name="${name}" id="${id}" value="${first(typed)}" placeholder="${element.type}"${req}>`;
  }
}

export interface ModalRender {
  view: Json;
  attempt: ModalAttempt | undefined;
  actingUser: string;
  channelId: string;
  channels: readonly ChannelOption[];
  names: BlockContext;
}

function plainText(value: unknown, fallback: string): string {
  return isObject(value) && typeof value.text === 'string' ? value.text : fallback;
}

/** The modal as a dialog over the console: its non-input blocks as in a message, its inputs as a form. */
export function modalHtml(input: ModalRender): SafeHtml {
  const { view, attempt } = input;
  const errors = attempt?.errors ?? {};
  const blocks = blocksOf(view).map((block, index) => {
    if (!isInput(block)) return blocksHtml([block], input.names);
    const blockId = block.block_id ?? `block-${index}`;
    const id = `modal-${fieldName(index)}`;
    const required = block.optional !== true;
    const error = errors[blockId];
    return html`<div class="modal-field${error ? ' has-error' : ''}" data-block-id="${blockId}">
<label for="${id}">${plainHtml(block.label.text)}${required ? '' : html` <span class="optional">(optional)</span>`}</label>
${controlHtml(block.element, fieldName(index), id, required, attempt?.values[fieldName(index)], input.channels)}
${block.hint ? html`<div class="hint">${block.hint.text}</div>` : ''}${error ? html`<div class="field-error" role="alert">${error}</div>` : ''}</div>`;
  });
  const title = plainText(view.title, 'Modal');
  const submit = isObject(view.submit) ? plainText(view.submit, 'Submit') : null;
  const close = plainText(view.close, 'Cancel');
  return html`<div class="modal-backdrop"><div class="modal" role="dialog" aria-modal="true" aria-labelledby="modal-title">
<form method="post" action="/sandbox/views/submit" class="modal-form">
<input type="hidden" name="view_id" value="${String(view.id)}"><input type="hidden" name="view_hash" value="${String(view.hash)}">
<input type="hidden" name="as" value="${input.actingUser}"><input type="hidden" name="channel" value="${input.channelId}">
<header class="modal-head"><span class="modal-app">▲</span><h2 id="modal-title">${plainHtml(title)}</h2></header>
<div class="modal-body">${blocks}</div>
<footer class="modal-foot"><button type="submit" class="bk-btn" formaction="/sandbox/views/close" formnovalidate>${close}</button>${submit ? html`<button type="submit" class="bk-btn bk-btn-primary">${submit}</button>` : ''}</footer>
</form></div></div>`;
}

/** `view.state.values` as Slack builds it from what was entered, by each input element's type. */
export function submissionValues(
  view: Json,
  form: (name: string) => FormValue,
  channels: readonly ChannelOption[],
): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  blocksOf(view).forEach((block, index) => {
    if (!isInput(block)) return;
    const element = block.element;
    const raw = form(fieldName(index));
    const text = first(raw);
    const list = asList(raw).filter((v) => v !== '');
    const blockId = block.block_id ?? `block-${index}`;
    const actionId = element.action_id ?? `action-${index}`;
    const byValue = (v: string): Option | undefined =>
      'options' in element || 'option_groups' in element
        ? allOptions(element as { options?: Option[] }).find((o) => o.value === v)
        : undefined;
    let state: Json;
    switch (element.type) {
      case 'static_select':
      case 'radio_buttons':
        state = { selected_option: byValue(text) ?? null };
        break;
      case 'multi_static_select':
      case 'checkboxes':
        state = { selected_options: list.map(byValue).filter((o): o is Option => o !== undefined) };
        break;
      case 'users_select':
        state = { selected_user: text || null };
        break;
      case 'multi_users_select':
        state = { selected_users: list };
        break;
      case 'conversations_select':
        state = { selected_conversation: text || null };
        break;
      case 'multi_conversations_select':
        state = { selected_conversations: list };
        break;
      case 'channels_select':
        state = { selected_channel: channels.some((c) => c.id === text) ? text : null };
        break;
      case 'multi_channels_select':
        state = { selected_channels: list };
        break;
      case 'datepicker':
        state = { selected_date: text || null };
        break;
      case 'timepicker':
        state = { selected_time: text || null };
        break;
      case 'datetimepicker':
        state = { selected_date_time: text ? Math.floor(Date.parse(`${text}Z`) / 1000) : null };
        break;
      default:
        // Slack sends null for a text input left empty.
        state = { value: text === '' ? null : text };
    }
    values[blockId] = { ...values[blockId], [actionId]: { type: element.type, ...state } };
  });
  return values;
}

/** What was typed, by field name, to show again when the app answers with errors. */
export function typedValues(view: Json, form: (name: string) => FormValue): Record<string, string | string[]> {
  const typed: Record<string, string | string[]> = {};
  blocksOf(view).forEach((block, index) => {
    if (!isInput(block)) return;
    const value = form(fieldName(index));
    typed[fieldName(index)] = value ?? '';
  });
  return typed;
}
