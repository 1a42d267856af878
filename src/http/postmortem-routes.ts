// GET /incidents/:id/postmortem: the postmortem for managers behind an expiring signed link — an HTML page,
// or Markdown with `?format=md` or `Accept: text/markdown`.
import { Router, type Request, type Response } from 'express';
import { loadPostmortem } from '../flows/postmortem-document';
import type { Chat } from '../ports/chat';
import type { Clock } from '../ports/clock';
import type { Store } from '../ports/store';
import { postmortemMarkdown } from '../web/postmortem-markdown';
import { postmortemHtml } from '../web/postmortem-page';
import {
  POSTMORTEM_LINK_TTL_DAYS,
  SIGNED_PAGE_COMMON_HEADERS,
  SIGNED_PAGE_HTML_HEADERS,
  signLink,
  verifyLink,
  type LinkCheck,
} from './signed-links';

export interface PostmortemRoutesOptions {
  /** LINK_SECRET. */
  linkSecret: string;
  store: Store;
  clock: Clock;
  /** TIMEZONE: the zone every time on the page is shown in. */
  timeZone: string;
  /** Where people's names are looked up (Slack's users.info), so the page names each person one way. */
  chat?: Pick<Chat, 'userName'>;
}

/** The path a postmortem link signs: built from the id, so the same page has one signed form. */
export function postmortemPath(incidentId: number): string {
  return `/incidents/${incidentId}/postmortem`;
}

/** The full signed URL to hand out (in the incident channel), valid for POSTMORTEM_LINK_TTL_DAYS from `now`. */
export function signedPostmortemUrl(
  publicUrl: string,
  linkSecret: string,
  incidentId: number,
  now: Date,
  ttlDays = POSTMORTEM_LINK_TTL_DAYS,
): string {
  const expiresAt = new Date(now.getTime() + ttlDays * 86_400_000);
  return `${publicUrl.replace(/\/+$/, '')}${signLink(linkSecret, postmortemPath(incidentId), expiresAt)}`;
}

const REFUSALS: Record<Exclude<LinkCheck, { ok: true }>['reason'], string> = {
  missing:
    'This postmortem link is missing its signature. Use the whole link Firebreak posted, or ask in the incident channel for a new one (/incident postmortem).',
  expired: 'This postmortem link has expired. Ask in the incident channel for a new one (/incident postmortem).',
  invalid:
    'This postmortem link is invalid: it was changed, cut short, or signed for another page. Ask in the incident channel for a new one (/incident postmortem).',
};

function plain(res: Response, status: number, message: string): void {
  res.status(status).type('text/plain; charset=utf-8').send(`${message}\n`);
}

/** A positive integer id as typed in the URL, or null. */
function incidentId(raw: string | undefined): number | null {
  if (!raw || !/^\d{1,16}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

type Format = 'html' | 'markdown';

/** `?format=` wins; otherwise the Accept header, HTML first so browsers and `*\/*` get the page. */
function wantedFormat(req: Request): Format | { error: string } {
  const format = req.query.format;
  if (format !== undefined) {
    if (format === 'md' || format === 'markdown') return 'markdown';
    if (format === 'html') return 'html';
    return { error: 'format must be md (Markdown) or html.' };
  }
  return req.accepts(['text/html', 'text/markdown']) === 'text/markdown' ? 'markdown' : 'html';
}

export function postmortemRoutes(options: PostmortemRoutesOptions): Router {
  const router = Router();
  router.get('/incidents/:id/postmortem', async (req: Request<{ id: string }>, res: Response) => {
    res.set(SIGNED_PAGE_COMMON_HEADERS);
    // The answer differs by Accept, so a cache that stores it anyway must key on it.
    res.vary('Accept');
    const id = incidentId(req.params.id);
    if (id === null) {
      plain(
        res,
        400,
        `"${req.params.id.slice(0, 40)}" is not an incident number; the link looks like /incidents/7/postmortem.`,
      );
      return;
    }
    const check = verifyLink(
      options.linkSecret,
      postmortemPath(id),
      { expires: req.query.expires, signature: req.query.signature },
      options.clock.now(),
    );
    if (!check.ok) {
      plain(res, 403, REFUSALS[check.reason]);
      return;
    }
    const format = wantedFormat(req);
    if (typeof format === 'object') {
      plain(res, 400, format.error);
      return;
    }
    const postmortem = await loadPostmortem(
      { store: options.store, clock: options.clock, timeZone: options.timeZone, chat: options.chat },
      id,
    );
    if (!postmortem) {
      plain(res, 404, `There is no incident INC-${id}.`);
      return;
    }
    if (format === 'markdown') {
      res
        .status(200)
        .set('Content-Disposition', `inline; filename="${postmortem.reference}-postmortem.md"`)
        .type('text/markdown; charset=utf-8')
        .send(postmortemMarkdown(postmortem));
      return;
    }
    res
      .status(200)
      .set(SIGNED_PAGE_HTML_HEADERS)
      .type('text/html; charset=utf-8')
      .send(postmortemHtml(postmortem, { generatedAt: options.clock.now() }));
  });
  return router;
}
