// Who responds to an incident: the policy's responders for its service (else the defaults), and its lead.
import type { Incident } from './incident';
import type { Severity } from './severity';

export interface RoutingPolicy {
  defaultResponders: string[];
  services: Array<{ service: string; responders: string[]; severity?: Severity }>;
}

export function respondersFor(routing: RoutingPolicy, incident: Pick<Incident, 'service' | 'leadUserId'>): string[] {
  const route = routing.services.find((s) => s.service === incident.service);
  const responders = route ? route.responders : routing.defaultResponders;
  return [...new Set([...responders, ...(incident.leadUserId ? [incident.leadUserId] : [])])];
}

export function severityForService(routing: RoutingPolicy, service: string): Severity | undefined {
  return routing.services.find((s) => s.service === service)?.severity;
}
