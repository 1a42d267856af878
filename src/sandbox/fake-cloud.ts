// A local AWS: the EC2 and Auto Scaling Query APIs (form-encoded requests, XML answers and errors as AWS's)
// on node:http, reached by the real AWS SDK v3 clients. Serves `npm start` without AWS and the tests.
//
// One server, two services told apart by path: `${url}/ec2/` is EC2 and `${url}/autoscaling/` is Auto Scaling
// (`ec2Url`, `autoScalingUrl`; give them to the SDK as `endpoint` or AWS_ENDPOINT_URL_EC2 /
// AWS_ENDPOINT_URL_AUTO_SCALING). At `/` the service is read from the SigV4 credential scope instead.
// CloudWatch (GetMetricData) speaks AWS JSON 1.0 and is told apart by its X-Amz-Target header, at any path
// (`cloudWatchUrl` for AWS_ENDPOINT_URL_CLOUDWATCH); it serves the series put with `putMetricSeries`.
// Any credentials are accepted (signatures are not checked), but requests must be signed.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AUTOSCALING_API } from './fake-cloud/autoscaling';
import { CallLog, type RecordedCall } from './fake-cloud/call-log';
import {
  CLOUDWATCH_TARGET_PREFIX,
  FakeCloudWatch,
  jsonErrorBody,
  type MetricSeriesInput,
} from './fake-cloud/cloudwatch';
import { EC2_API } from './fake-cloud/ec2';
import { CloudError } from './fake-cloud/errors';
import { Faults, type FaultOptions } from './fake-cloud/faults';
import { Ids } from './fake-cloud/ids';
import { addGroup, addTemplate, loadPreset, type NewGroup, type NewTemplate } from './fake-cloud/preset';
import { AUTOSCALING_VERSION, EC2_VERSION, type ServiceApi } from './fake-cloud/protocol';
import { decodeParams, type Params } from './fake-cloud/query';
import { CloudState, type GroupRecord, type InstanceRecord, type InstanceStateName } from './fake-cloud/state';
import { closeNow, listenLocally, readBody, serveRequests } from './local-server';

export type { CloudService, RecordedCall } from './fake-cloud/call-log';
export type { MetricSeriesInput } from './fake-cloud/cloudwatch';
export type { FaultOptions } from './fake-cloud/faults';
export type { NewGroup, NewTemplate } from './fake-cloud/preset';
export type { InstanceStateName } from './fake-cloud/state';
export { PRESET_GROUP, PRESET_TEMPLATE } from './fake-cloud/preset';

export interface FakeCloudOptions {
  /** 127.0.0.1 by default. */
  host?: string;
  /** 0 (a free port) by default. */
  port?: number;
  /** Milliseconds since the epoch; drives launch times and state changes. Date.now by default. */
  clock?: () => number;
  /**
   * Notify listeners again once launches and terminations settle (pending → running is read from the clock, not an
   * event). On by default only without `clock`; a clock that follows the real one (the sandbox's) turns it on.
   */
  settleNotifications?: boolean;
  /** Seconds an instance stays pending (and shutting-down) before it is running (terminated); 2 by default. */
  launchSeconds?: number;
  /** us-east-1 by default; availability zones are its a, b and c. */
  region?: string;
  /** Makes instance and reservation ids repeat from run to run; random by default. */
  seed?: string;
}

export interface InstanceSummary {
  instanceId: string;
  reservationId: string;
  state: InstanceStateName;
  imageId: string;
  instanceType: string;
  availabilityZone: string;
  subnetId: string;
  privateIpAddress: string;
  /** Clock ms. */
  launchTime: number;
  /** Clock ms of the TerminateInstances call (or scale-in) that ended it. */
  terminatedAt?: number;
  /** AWS's own tags included: aws:ec2launchtemplate:id/version, aws:autoscaling:groupName. */
  tags: Record<string, string>;
  clientToken?: string;
  launchTemplate?: { id: string; name: string; version: number };
  autoScalingGroupName?: string;
}

export interface InstanceFilter {
  ids?: string[];
  state?: InstanceStateName | InstanceStateName[];
  /** Every tag given must match exactly. */
  tags?: Record<string, string>;
  autoScalingGroupName?: string;
  launchTemplateId?: string;
  clientToken?: string;
}

export interface GroupSummary {
  name: string;
  min: number;
  max: number;
  desired: number;
  cooldownSeconds: number;
  launchTemplate: { id: string; name: string; version: string };
  subnets: string[];
  tags: Record<string, string>;
  /** As DescribeAutoScalingGroups lists them: Pending, InService, Terminating. */
  instances: Array<{
    instanceId: string;
    lifecycleState: 'Pending' | 'InService' | 'Terminating';
    healthStatus: 'Healthy' | 'Unhealthy';
    availabilityZone: string;
  }>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const LIFECYCLE = { pending: 'Pending', running: 'InService', 'shutting-down': 'Terminating' } as const;

/** The service named in a SigV4 credential scope: `Credential=AKID/20240101/us-east-1/ec2/aws4_request`. */
function signedService(authorization: string | undefined): string | undefined {
  return /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization ?? '')?.[1];
}

function apiFor(pathname: string, authorization: string | undefined, params: Params): ServiceApi | undefined {
  if (/^\/ec2\/?$/.test(pathname)) return EC2_API;
  if (/^\/autoscaling\/?$/.test(pathname)) return AUTOSCALING_API;
  if (pathname !== '/') return undefined;
  const service = signedService(authorization);
  if (service === 'ec2' || (service === undefined && params.Version === EC2_VERSION)) return EC2_API;
  if (service === 'autoscaling' || (service === undefined && params.Version === AUTOSCALING_VERSION))
    return AUTOSCALING_API;
  return undefined;
}

function isSigned(req: IncomingMessage): boolean {
  return /^AWS4-HMAC-SHA256\s+Credential=/.test(req.headers.authorization ?? '');
}

function tagsRecord(tags: Map<string, string>): Record<string, string> {
  return Object.fromEntries(tags);
}

export class FakeCloud {
  /** Like `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Like `http://127.0.0.1:PORT/ec2/`: the EC2 endpoint. */
  readonly ec2Url: string;
  /** Like `http://127.0.0.1:PORT/autoscaling/`: the Auto Scaling endpoint. */
  readonly autoScalingUrl: string;
  /** Like `http://127.0.0.1:PORT/monitoring/`: the CloudWatch endpoint. */
  readonly cloudWatchUrl: string;
  private readonly state: CloudState;
  private readonly cloudWatch = new FakeCloudWatch();
  private readonly log = new CallLog();
  private readonly faults = new Faults();

  private constructor(
    private readonly server: Server,
    url: string,
    options: FakeCloudOptions,
  ) {
    this.url = url;
    this.ec2Url = `${url}/ec2/`;
    this.autoScalingUrl = `${url}/autoscaling/`;
    this.cloudWatchUrl = `${url}/monitoring/`;
    const launchSeconds = options.launchSeconds ?? 2;
    if (!(launchSeconds >= 0)) throw new Error(`FakeCloud: launchSeconds must be >= 0, got ${launchSeconds}`);
    this.state = new CloudState({
      clock: options.clock ?? Date.now,
      launchMs: launchSeconds * 1000,
      ids: new Ids(options.seed),
      region: options.region ?? 'us-east-1',
      timedNotifications: options.settleNotifications ?? options.clock === undefined,
    });
    loadPreset(this.state);
  }

  static async start(options: FakeCloudOptions = {}): Promise<FakeCloud> {
    const { server, url } = await listenLocally(options);
    let cloud: FakeCloud;
    try {
      cloud = new FakeCloud(server, url, options);
    } catch (error) {
      server.close();
      throw error;
    }
    serveRequests(
      server,
      'FakeCloud',
      (req, res) => cloud.handle(req, res),
      (res) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('InternalError');
      },
    );
    return cloud;
  }

  /** Stops listening and drops every open connection (keep-alive ones included) at once. */
  async stop(): Promise<void> {
    this.state.cancelTimers();
    await closeNow(this.server);
  }

  // ---- the account ----

  /** Instances, oldest first, with their state as of now (terminated ones included). */
  instances(filter: InstanceFilter = {}): InstanceSummary[] {
    const at = this.state.now();
    const states = filter.state === undefined ? undefined : Array.isArray(filter.state) ? filter.state : [filter.state];
    return [...this.state.instances.values()]
      .filter(
        (i) =>
          (filter.ids === undefined || filter.ids.includes(i.id)) &&
          (states === undefined || states.includes(this.state.stateOf(i, at))) &&
          Object.entries(filter.tags ?? {}).every(([key, value]) => i.tags.get(key) === value) &&
          (filter.autoScalingGroupName === undefined || i.groupName === filter.autoScalingGroupName) &&
          (filter.launchTemplateId === undefined || i.launchTemplate?.id === filter.launchTemplateId) &&
          (filter.clientToken === undefined || i.clientToken === filter.clientToken),
      )
      .map((i) => this.instanceSummary(i, at));
  }

  /** The group as DescribeAutoScalingGroups would show it now; undefined for an unknown name. */
  group(name: string): GroupSummary | undefined {
    const group = this.state.groups.get(name);
    return group && this.groupSummary(group);
  }

  groups(): GroupSummary[] {
    return [...this.state.groups.values()].map((g) => this.groupSummary(g));
  }

  /** Adds a launch template (version 1 is its default); returns its id and name. */
  addLaunchTemplate(input: NewTemplate): { id: string; name: string } {
    const template = addTemplate(this.state, input);
    this.state.changed();
    return { id: template.id, name: template.name };
  }

  /** Adds an Auto Scaling group whose `desired` instances are already in service. */
  addGroup(input: NewGroup): GroupSummary {
    addGroup(this.state, input);
    this.state.changed();
    return this.group(input.name) as GroupSummary;
  }

  /** Every resource (templates, instances, groups…) as plain data, for the sandbox to save (not the call log). */
  saveState(): Record<string, unknown> {
    return this.state.saveState();
  }

  /** Back to what saveState() gave (decoded); throws, changing nothing, when it is not that. */
  loadState(saved: unknown): void {
    this.state.loadState(saved);
    this.state.changed();
  }

  /**
   * Called after any change made through the API or these helpers. Pending → running is read from the clock,
   * not an event; with the real clock (no `clock` option) listeners are called again once launches settle.
   */
  onChange(listener: () => void): () => void {
    return this.state.subscribe(listener);
  }

  /**
   * Adds datapoints to a CloudWatch metric (namespace, name and dimensions), for GetMetricData to serve. Not part
   * of saveState(): series are generated, so whoever needs one (a test, the sandbox) puts it again at start.
   */
  putMetricSeries(input: MetricSeriesInput): void {
    this.cloudWatch.put(input);
  }

  // ---- recording and fault injection ----

  /** Every call, oldest first, failed ones included; `action` narrows to one action. */
  calls(action?: string): RecordedCall[] {
    return this.log.calls(action);
  }

  /** The next `times` (1 by default) calls of `action` ("*": any action) answer with this AWS error. */
  fail(action: string, options: FaultOptions): void {
    this.faults.add(action, options);
  }

  clearFailures(): void {
    this.faults.clear();
  }

  /** Back to the preset account: forgets calls, instances, templates and groups added, client tokens and faults. */
  reset(): void {
    this.state.clear();
    loadPreset(this.state);
    this.log.clear();
    this.faults.clear();
    this.cloudWatch.clear();
    this.state.changed();
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const bytes = await readBody(req, MAX_BODY_BYTES);
    const raw = bytes === null ? null : bytes.toString('utf8');
    if (raw === null) return this.sendPlain(res, 413, 'Request entity too large');
    if (req.method !== 'POST' && req.method !== 'GET') return this.sendPlain(res, 405, 'Method not allowed');
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string' && target.startsWith(CLOUDWATCH_TARGET_PREFIX))
      return this.handleCloudWatch(req, res, target.slice(CLOUDWATCH_TARGET_PREFIX.length), raw);
    const params = { ...decodeParams(url.search.slice(1)), ...(req.method === 'POST' ? decodeParams(raw) : {}) };
    const api = apiFor(url.pathname, req.headers.authorization, params);
    if (!api) return this.sendPlain(res, 404, `No AWS service here: use ${this.ec2Url} or ${this.autoScalingUrl}`);

    const at = this.state.now();
    const requestId = this.state.ids.request();
    const action = params.Action;
    const { Action: _action, Version: _version, ...recorded } = params;
    const answer = (status: number, body: string, error?: CloudError): void => {
      this.log.add({
        service: api.service,
        action: action ?? '',
        params: recorded,
        at,
        status,
        ...(error ? { error: { code: error.code, message: error.message } } : {}),
      });
      res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId });
      res.end(body);
    };
    const fail = (error: CloudError): void => answer(error.status, api.error(error, requestId), error);

    if (!isSigned(req)) return fail(api.missingAuthentication());
    const handler = action === undefined ? undefined : api.actions.get(action);
    if (!handler || action === undefined) return fail(api.unknownAction(action));
    const fault = this.faults.take(action);
    if (fault) return fail(fault);
    try {
      answer(200, api.success(action, requestId, handler(params, this.state)));
    } catch (error) {
      if (!(error instanceof CloudError)) throw error;
      fail(error);
    }
  }

  private handleCloudWatch(req: IncomingMessage, res: ServerResponse, action: string, raw: string): void {
    const at = this.state.now();
    const requestId = this.state.ids.request();
    const fault = isSigned(req)
      ? this.faults.take(action)
      : new CloudError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    const answer = fault ? FakeCloudWatch.errorAnswer(fault) : this.cloudWatch.handle(action, raw);
    let params: Params = {};
    try {
      params = { body: JSON.stringify(JSON.parse(raw)) };
    } catch {
      params = { body: raw };
    }
    this.log.add({
      service: 'monitoring',
      action,
      params,
      at,
      status: answer.status,
      ...(answer.error ? { error: answer.error } : {}),
    });
    const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId };
    if (answer.error) {
      const { body, queryError } = jsonErrorBody(answer.error.code, answer.error.message);
      res.writeHead(answer.status, { ...headers, 'x-amzn-query-error': queryError });
      res.end(body);
      return;
    }
    res.writeHead(answer.status, headers);
    res.end(JSON.stringify(answer.body));
  }

  private sendPlain(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(text);
  }

  private instanceSummary(i: InstanceRecord, at: number): InstanceSummary {
    return {
      instanceId: i.id,
      reservationId: i.reservationId,
      state: this.state.stateOf(i, at),
      imageId: i.imageId,
      instanceType: i.instanceType,
      availabilityZone: i.availabilityZone,
      subnetId: i.subnetId,
      privateIpAddress: i.privateIpAddress,
      launchTime: i.launchedAt,
      ...(i.terminatedAt !== undefined ? { terminatedAt: i.terminatedAt } : {}),
      tags: tagsRecord(i.tags),
      ...(i.clientToken !== undefined ? { clientToken: i.clientToken } : {}),
      ...(i.launchTemplate ? { launchTemplate: { ...i.launchTemplate } } : {}),
      ...(i.groupName !== undefined ? { autoScalingGroupName: i.groupName } : {}),
    };
  }

  private groupSummary(group: GroupRecord): GroupSummary {
    const at = this.state.now();
    return {
      name: group.name,
      min: group.min,
      max: group.max,
      desired: group.desired,
      cooldownSeconds: group.cooldownSeconds,
      launchTemplate: { ...group.launchTemplate },
      subnets: [...group.subnets],
      tags: tagsRecord(group.tags),
      instances: this.state.groupInstances(group, at).map((i) => ({
        instanceId: i.id,
        lifecycleState: LIFECYCLE[this.state.stateOf(i, at) as keyof typeof LIFECYCLE],
        healthStatus: i.terminatedBy === 'user' ? 'Unhealthy' : 'Healthy',
        availabilityZone: i.availabilityZone,
      })),
    };
  }
}
