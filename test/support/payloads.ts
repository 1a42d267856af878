// Webhook bodies as monitors send them.

export function alertmanagerPayload(
  options: {
    status?: 'firing' | 'resolved';
    groupKey?: string;
    alerts?: Array<{
      name?: string;
      fingerprint?: string;
      status?: 'firing' | 'resolved';
      severity?: string;
      summary?: string;
    }>;
  } = {},
) {
  const status = options.status ?? 'firing';
  const alerts = (options.alerts ?? [{}]).map((a, i) => {
    const alertStatus = a.status ?? status;
    return {
      status: alertStatus,
      labels: {
        alertname: a.name ?? 'HighRequestRate',
        service: 'web',
        severity: a.severity ?? 'critical',
        instance: `web-${i + 1}:9100`,
      },
      annotations: {
        summary: a.summary ?? 'Request rate on web is 8x normal',
        description: 'Flash-sale traffic is overwhelming the web tier',
      },
      startsAt: '2023-02-15T11:30:00Z',
      endsAt: alertStatus === 'resolved' ? '2023-02-15T13:30:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph?g0.expr=rate',
      fingerprint: a.fingerprint ?? `f${i + 1}a2b3c4d5e6f70${i}`,
    };
  });
  return {
    version: '4',
    groupKey: options.groupKey ?? '{}/{severity="critical"}:{alertname="HighRequestRate"}',
    truncatedAlerts: 0,
    status,
    receiver: 'firebreak',
    groupLabels: { alertname: 'HighRequestRate' },
    commonLabels: { alertname: 'HighRequestRate', service: 'web' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts,
  };
}

export function genericAlert(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Checkout error rate above 5%',
    severity: 'high',
    service: 'checkout',
    status: 'firing',
    ...overrides,
  };
}

/** The form body Slack posts for `/incident <text>` typed by Alice (sign it to send it to /slack/events). */
export function incidentCommandBody(text: string, channelId = 'C0GENERAL', triggerId = '1.2.3'): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T0SANDBOX',
    team_domain: 'sandbox',
    channel_id: channelId,
    channel_name: 'general',
    user_id: 'U0ALICE',
    user_name: 'alice',
    command: '/incident',
    text,
    api_app_id: 'A0FIREBRK',
    response_url: 'http://127.0.0.1:9/response',
    trigger_id: triggerId,
  }).toString();
}
