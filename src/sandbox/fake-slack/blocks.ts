// Block Kit checks Slack makes before it accepts blocks: the limits apps trip over, answered as `invalid_blocks`.
import { fail } from './args';

const BLOCK_TYPES = new Set([
  'actions',
  'context',
  'context_actions',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'rich_text',
  'section',
  'video',
  'call',
  'table',
]);

interface Limits {
  maxBlocks: number;
}

export const MESSAGE_LIMITS: Limits = { maxBlocks: 50 };
export const MODAL_LIMITS: Limits = { maxBlocks: 100 };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(problem: string, pointer: string): never {
  return fail('invalid_blocks', {
    errors: [`${problem} [json-pointer:${pointer}]`],
    response_metadata: { messages: [`[ERROR] ${problem} [json-pointer:${pointer}]`] },
  });
}

function checkText(value: unknown, pointer: string, maxLength: number, plainOnly = false): void {
  if (value === undefined) return;
  if (!isObject(value) || typeof value.text !== 'string') invalid('must be a text object', pointer);
  if (value.type !== 'plain_text' && (plainOnly || value.type !== 'mrkdwn'))
    invalid(`must be ${plainOnly ? 'plain_text' : 'plain_text or mrkdwn'}`, `${pointer}/type`);
  if (value.text.length > maxLength) invalid(`must be less than ${maxLength + 1} characters`, `${pointer}/text`);
}

function checkElement(element: unknown, pointer: string): void {
  if (!isObject(element) || typeof element.type !== 'string') invalid('must be an element with a type', pointer);
  if (element.action_id !== undefined && (typeof element.action_id !== 'string' || element.action_id.length > 255))
    invalid('must be a string of at most 255 characters', `${pointer}/action_id`);
  if (element.type === 'button') {
    checkText(element.text, `${pointer}/text`, 75, true);
    if (element.value !== undefined && (typeof element.value !== 'string' || element.value.length > 2000))
      invalid('must be a string of at most 2000 characters', `${pointer}/value`);
  }
}

function checkBlock(block: unknown, pointer: string): void {
  if (!isObject(block) || typeof block.type !== 'string') invalid('must be a block object with a type', pointer);
  if (!BLOCK_TYPES.has(block.type)) invalid(`unknown block type "${block.type}"`, `${pointer}/type`);
  if (block.block_id !== undefined && (typeof block.block_id !== 'string' || block.block_id.length > 255))
    invalid('must be a string of at most 255 characters', `${pointer}/block_id`);
  switch (block.type) {
    case 'section':
      if (block.text === undefined && block.fields === undefined) invalid('must provide text or fields', pointer);
      checkText(block.text, `${pointer}/text`, 3000);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length > 10)
          invalid('must be at most 10 text objects', `${pointer}/fields`);
        block.fields.forEach((field, i) => {
          checkText(field, `${pointer}/fields/${i}`, 2000);
        });
      }
      if (block.accessory !== undefined) checkElement(block.accessory, `${pointer}/accessory`);
      break;
    case 'header':
      if (block.text === undefined) invalid('must provide text', pointer);
      checkText(block.text, `${pointer}/text`, 150, true);
      break;
    case 'context':
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10)
        invalid('must have 1 to 10 elements', `${pointer}/elements`);
      break;
    case 'actions':
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25)
        invalid('must have 1 to 25 elements', `${pointer}/elements`);
      block.elements.forEach((element, i) => {
        checkElement(element, `${pointer}/elements/${i}`);
      });
      break;
    case 'input':
      checkText(block.label, `${pointer}/label`, 2000, true);
      if (block.label === undefined) invalid('must provide a label', pointer);
      checkElement(block.element, `${pointer}/element`);
      break;
    default:
      break;
  }
}

/** Parsed `blocks` argument → the blocks to store, or `invalid_blocks_format` / `invalid_blocks` as Slack answers. */
export function checkBlocks(value: unknown, limits: Limits): unknown[] {
  if (!Array.isArray(value)) return fail('invalid_blocks_format');
  if (value.length > limits.maxBlocks) invalid(`must be at most ${limits.maxBlocks} blocks`, '/blocks');
  const blockIds = new Set<string>();
  value.forEach((block, i) => {
    checkBlock(block, `/blocks/${i}`);
    const blockId = (block as { block_id?: string }).block_id;
    // Slack refuses two elements with one action_id in a block.
    const elements =
      (block as { elements?: Array<{ action_id?: string }>; accessory?: { action_id?: string } }).elements ?? [];
    const actionIds = elements.map((e) => e?.action_id).filter((id): id is string => typeof id === 'string');
    const repeated = actionIds.find((id, k) => actionIds.indexOf(id) !== k);
    if (repeated !== undefined) invalid(`duplicate action_id "${repeated}"`, `/blocks/${i}/elements`);
    if (blockId !== undefined) {
      if (blockIds.has(blockId)) invalid(`duplicate block_id "${blockId}"`, `/blocks/${i}/block_id`);
      blockIds.add(blockId);
    }
  });
  return value;
}
