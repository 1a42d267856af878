// POST /webhooks/pagerduty: PagerDuty v3 webhooks (acknowledged, escalated, reassigned, resolved).
// Signature checked on the raw bytes before anything is parsed; each event becomes a neutral page update for the
// paging flow, and applies once.
import express, { type Request, type Response, Router } from 'express';
import {
  PAGERDUTY_SIGNATURE_HEADER,
  pagerIncidentFromPagerDuty,
  pageUpdateFromPagerDuty,
  parsePagerDutyWebhook,
  RESPONDER_REPLIED,
  responderReplyFromPagerDuty,
  verifyPagerDutySignature,
} from '../adapters/pagerduty/webhook';
import type { Team } from '../domain/team-escalation';
import { incidentIdFromPageKey } from '../domain/paging';
import { applyPageUpdate, openFromPagerIncident } from '../flows/paging';
import { applyResponderReply } from '../flows/team-escalation';
import type { IncidentFlowDeps } from '../flows/update-incident';
import { MAX_ALERT_BODY, MAX_ALERT_BODY_BYTES } from './alert-endpoint';
import { decodeContentEncoding } from './content-encoding';

export interface PagerDutyRoutesOptions {
  secret: string;
  flows: IncidentFlowDeps & { ackTimeoutMinutes: number };
  /** PagerDuty services whose own incidents (incident.triggered) open Firebreak incidents linked to them. */
  followServices?: readonly string[];
  /** The teams escalated to: a responder's reply (incident.responder.replied) is one of theirs acknowledging. */
  teams?: readonly Team[];
}

export function pagerDutyRoutes(options: PagerDutyRoutesOptions): Router {
  const router = Router();
  router.post(
    '/webhooks/pagerduty',
    decodeContentEncoding(MAX_ALERT_BODY_BYTES),
    express.raw({ type: () => true, limit: MAX_ALERT_BODY }),
    async (req: Request, res: Response) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!verifyPagerDutySignature(options.secret, raw, req.get(PAGERDUTY_SIGNATURE_HEADER))) {
        res
          .status(401)
          .json({ error: 'the X-PagerDuty-Signature header is missing or does not match PAGERDUTY_WEBHOOK_SECRET' });
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        res.status(400).json({
          error: 'invalid webhook payload',
          issues: [`the body is not valid JSON (${(error as Error).message})`],
        });
        return;
      }
      // PagerDuty's "send test event" is a ping with no incident: say we heard it.
      if ((json as { event?: { event_type?: unknown } } | null)?.event?.event_type === 'pagey.ping') {
        res.status(200).json({ applied: false, reason: 'ping' });
        return;
      }
      // A team asked by responder request answered: its data is the responder, not an incident.
      if ((json as { event?: { event_type?: unknown } } | null)?.event?.event_type === RESPONDER_REPLIED) {
        const reply = responderReplyFromPagerDuty(json);
        if (!reply.ok) {
          res.status(400).json({ error: 'invalid webhook payload', issues: reply.issues });
          return;
        }
        res.status(200).json(await applyResponderReply({ ...options.flows, teams: options.teams ?? [] }, reply.reply));
        return;
      }
      const parsed = parsePagerDutyWebhook(json);
      if (!parsed.ok) {
        res.status(400).json({ error: 'invalid webhook payload', issues: parsed.issues });
        return;
      }
      // An incident opened in PagerDuty on a service Firebreak follows (not one of Firebreak's own pages).
      const opened = pagerIncidentFromPagerDuty(parsed.event);
      if (opened && incidentIdFromPageKey(opened.pageKey) === null) {
        const followed = options.followServices?.includes(opened.service.id) ?? false;
        res.status(200).json(
          followed
            ? await openFromPagerIncident(options.flows, opened)
            : {
                applied: false,
                reason: `service ${opened.service.id} is not followed (PAGERDUTY_INCIDENT_SERVICE_IDS)`,
              },
        );
        return;
      }
      const outcome = await applyPageUpdate(options.flows, pageUpdateFromPagerDuty(parsed.event));
      // 200 even when nothing applied (another tool's page, an event we do not track): PagerDuty retries non-2xx.
      res.status(200).json(outcome);
    },
  );
  return router;
}
