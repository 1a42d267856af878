// Incident channel names on Slack: inc-YYYYMMDD-<slug>, within Slack's rules (lowercase a-z, 0-9, '-', '_';
// ≤ 80 chars). Another platform has its own rules, and its own file like this one.
import type { slugify as Slugify } from 'transliteration';
import { localDate } from '../../domain/local-time';
import type { ChannelNameRequest } from '../../ports/chat';

export const MAX_CHANNEL_NAME_LENGTH = 80;

// Its tables take a tenth of a second to load: loaded at the first channel, not on every (re)start.
let slugify: typeof Slugify | null = null;

/** Titles in any script become readable ASCII (Cyrillic, CJK and accents are transliterated). */
export function slugForTitle(title: string): string {
  slugify ??= (require('transliteration') as { slugify: typeof Slugify }).slugify;
  return slugify(title, { lowercase: true, separator: '-', trim: true })
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
}

function fitWithin(base: string, suffix: string): string {
  const room = MAX_CHANNEL_NAME_LENGTH - suffix.length;
  return base.slice(0, room).replace(/-+$/, '') + suffix;
}

/**
 * The channel name for an incident. The date is the opening day in the team's time zone,
 * the slug comes from the title (or the incident number when the title has no letters left, e.g. only emoji).
 */
export function incidentChannelName(input: ChannelNameRequest): string {
  const day = localDate(input.openedAt, input.timeZone);
  const slug = slugForTitle(input.title) || `incident-${input.incidentId}`;
  return fitWithin(`${input.prefix}-${day}-${slug}`, '');
}

/** How many names an incident tries: beyond the short one, each carries its number, so only people can take them. */
export const CHANNEL_NAME_CANDIDATES = 5;

/**
 * The names to try for an incident's channel, in order: the short name, then the short name with the
 * incident number (no other incident ever tries it, so a day of a thousand same-titled incidents never runs
 * out), then numbered variants of that in case people took it. All within 80 characters.
 */
export function channelNameCandidates(base: string, incidentId: number): string[] {
  const own = fitWithin(base, `-${incidentId}`);
  const variants = Array.from({ length: CHANNEL_NAME_CANDIDATES - 2 }, (_, i) =>
    fitWithin(base, `-${incidentId}-${i + 2}`),
  );
  return [...new Set([base, own, ...variants])];
}

/** The names an incident's channel tries on Slack, in order (Chat.channelNames). */
export function slackChannelNames(request: ChannelNameRequest): string[] {
  return channelNameCandidates(incidentChannelName(request), request.incidentId);
}
