// The link every page carries to the incident's channel, so whoever is paged lands in the room.
import type { Incident } from '../domain/incident';
import type { Chat } from '../ports/chat';
import type { PageRequest } from '../ports/pager';

/** `links` for a page request: the incident's channel once it has one ("Slack: #inc-…"), else none. */
export function channelLinks(chat: Chat, incident: Incident): Pick<PageRequest, 'links'> {
  if (!incident.channelId) return {};
  return {
    links: [
      {
        href: chat.channelLink(incident.channelId),
        text: `${chat.name}: #${incident.channelName ?? incident.channelId}`,
      },
    ],
  };
}
