// files.getUploadURLExternal and files.completeUploadExternal — Slack's upload in three steps — and the
// upload URL between them, where the bytes arrive raw or as a multipart form.
import { fail, optionalJson, optionalString, requiredString, type Args } from '../args';
import { checkBlocks, MESSAGE_LIMITS } from '../blocks';
import { fileJson, fileRef } from '../shapes';
import type { StoredFile, Workspace } from '../workspace';
import { requireBotMember, requireNotArchived, type MethodContext, type MethodHandler } from './common';

function invalidArguments(message: string): never {
  return fail('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${message}`] } });
}

/** `length`: a number in JSON bodies, a string in form posts. */
function lengthArg(args: Args): number {
  const raw = optionalString(args, 'length') ?? invalidArguments('missing required field: length');
  if (!/^\d+$/.test(raw)) invalidArguments('must be an integer [json-pointer:/length]');
  return Number(raw);
}

/** `files`: a JSON array of `{ id, title? }` (JSON-stringified inside a form post). */
function filesArg(args: Args): Array<{ id: string; title?: string }> {
  const value = optionalJson(args, 'files', 'invalid_arguments') ?? invalidArguments('missing required field: files');
  if (!Array.isArray(value) || value.length === 0)
    return invalidArguments('must provide at least 1 item [json-pointer:/files]');
  return value.map((item: unknown, i) => {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as { id?: unknown; title?: unknown };
    if (typeof entry.id !== 'string' || entry.id === '')
      return invalidArguments(`missing required field: id [json-pointer:/files/${i}]`);
    return { id: entry.id, ...(typeof entry.title === 'string' && entry.title !== '' ? { title: entry.title } : {}) };
  });
}

/** A file can be completed once, after its bytes arrived; anything else is unknown to Slack. */
function uploadedFile(ctx: MethodContext, id: string): StoredFile {
  const file = ctx.ws.file(id);
  if (!file || file.content === null || file.completed) fail('file_not_found');
  return file;
}

export const files: Record<string, MethodHandler> = {
  'files.getUploadURLExternal': (args, ctx) => {
    const filename = requiredString(args, 'filename');
    const length = lengthArg(args);
    const file = ctx.ws.reserveFile(filename, length, ctx.bot.userId);
    return { upload_url: ctx.uploadUrl(file.id), file_id: file.id };
  },

  'files.completeUploadExternal': (args, ctx) => {
    const entries = filesArg(args).map(({ id, title }) => {
      const file = uploadedFile(ctx, id);
      const finalTitle = title ?? file.name;
      return { file, title: finalTitle, ref: fileRef(file, finalTitle) };
    });
    const channelId = optionalString(args, 'channel_id');
    if (!channelId) {
      // Without a channel the files stay private to the uploader, as in Slack.
      ctx.ws.completeFiles(entries);
      return { files: entries.map((e) => fileJson(e.file)) };
    }
    const channel = ctx.ws.channel(channelId) ?? fail('channel_not_found');
    requireNotArchived(channel);
    requireBotMember(ctx, channel);
    const comment = optionalString(args, 'initial_comment');
    // Slack ignores blocks when there is an initial comment.
    const rawBlocks = comment === undefined ? optionalJson(args, 'blocks', 'invalid_blocks_format') : undefined;
    const blocks = rawBlocks === undefined ? undefined : checkBlocks(rawBlocks, MESSAGE_LIMITS);
    const threadTs = optionalString(args, 'thread_ts');
    ctx.ws.completeFiles(entries, {
      channelId: channel.id,
      message: {
        user: ctx.bot.userId,
        botId: ctx.bot.botId,
        text: comment ?? '',
        ...(blocks && blocks.length > 0 ? { blocks } : {}),
        ...(threadTs ? { threadTs } : {}),
      },
    });
    return { files: entries.map((e) => fileJson(e.file)) };
  },
};

/** What the upload URL answers: Slack's plain-text `OK - <bytes>`, or why the upload was refused. */
export interface UploadAnswer {
  status: number;
  text: string;
}

/** The bytes of an upload: the file part of a multipart form (`file`, else the first part with a file), or the raw body. */
async function uploadedBytes(contentType: string | undefined, raw: Buffer): Promise<Buffer | null> {
  if (!(contentType ?? '').toLowerCase().startsWith('multipart/form-data')) return raw;
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { 'content-type': contentType ?? '' } }).formData();
  } catch {
    return null;
  }
  // @slack/web-api's filesUploadV2 names its part `body`; curl examples name it `file`.
  const part = [form.get('file'), ...form.values()].find((v) => v !== null && typeof v !== 'string');
  return part && typeof part !== 'string' ? Buffer.from(await part.arrayBuffer()) : null;
}

/** POST to an upload URL: keeps the bytes for files.completeUploadExternal. The URL itself is the credential. */
export async function receiveUpload(
  ws: Workspace,
  fileId: string,
  contentType: string | undefined,
  raw: Buffer,
): Promise<UploadAnswer> {
  const file = ws.file(fileId);
  if (!file || file.completed) return { status: 404, text: 'Not Found' };
  const bytes = await uploadedBytes(contentType, raw);
  if (bytes === null) return { status: 400, text: 'Bad Request: no file in the form' };
  ws.storeUpload(file, bytes);
  return { status: 200, text: `OK - ${bytes.length}` };
}
