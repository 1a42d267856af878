// EC2 actions: RunInstances, DescribeInstances, TerminateInstances, DescribeLaunchTemplates, CreateTags.
import { CloudError, dryRunSucceeded } from './errors';
import { ec2Error, ec2Success, type ActionHandler, type ServiceApi } from './protocol';
import { boolParam, intParam, listParam, structListParam, type Params } from './query';
import { ACCOUNT_ID, STATE_CODES, VPC_ID, type CloudState, type InstanceRecord, type InstanceStateName } from './state';
import { el, isoTime, list, opt, type XmlContent } from './xml';

const TAGGABLE_AT_LAUNCH = new Set([
  'instance',
  'volume',
  'network-interface',
  'spot-instances-request',
  'elastic-gpu',
]);

function checkDryRun(params: Params): void {
  if (boolParam(params, 'DryRun')) throw dryRunSucceeded();
}

/** `Tag.N.Key` / `Tag.N.Value` under `prefix`; keys starting with "aws:" are AWS's own. */
function readTags(params: Params, prefix: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const tag of structListParam(params, prefix)) {
    const key = tag.Key;
    if (key === undefined || key === '') throw new CloudError('InvalidParameterValue', 'Tag key must not be empty');
    if (key.toLowerCase().startsWith('aws:'))
      throw new CloudError('InvalidParameterValue', "Tag keys starting with 'aws:' are reserved for internal use");
    tags.set(key, tag.Value ?? '');
  }
  return tags;
}

function tagSet(tags: Map<string, string>): XmlContent {
  // EC2 leaves tagSet out when there are no tags.
  return tags.size === 0
    ? undefined
    : list('tagSet', 'item', [...tags], ([key, value]) => [el('key', key), el('value', value)]);
}

function stateXml(name: string, state: InstanceStateName): XmlContent {
  return el(name, el('code', STATE_CODES[state]), el('name', state));
}

function privateDnsName(state: CloudState, ip: string): string {
  const host = `ip-${ip.replace(/\./g, '-')}`;
  return state.region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${state.region}.compute.internal`;
}

function instanceXml(state: CloudState, instance: InstanceRecord, at: number): XmlContent {
  const current = state.stateOf(instance, at);
  const ended = current === 'shutting-down' || current === 'terminated';
  const reason =
    ended && instance.terminatedAt !== undefined
      ? `User initiated (${isoTime(instance.terminatedAt).replace('T', ' ').slice(0, 19)} GMT)`
      : '';
  return [
    el('instanceId', instance.id),
    el('imageId', instance.imageId),
    stateXml('instanceState', current),
    el('privateDnsName', privateDnsName(state, instance.privateIpAddress)),
    el('dnsName'),
    el('reason', reason),
    el('amiLaunchIndex', instance.amiLaunchIndex),
    el('productCodes'),
    el('instanceType', instance.instanceType),
    el('launchTime', isoTime(instance.launchedAt)),
    el('placement', el('availabilityZone', instance.availabilityZone), el('groupName'), el('tenancy', 'default')),
    el('monitoring', el('state', 'disabled')),
    el('subnetId', instance.subnetId),
    el('vpcId', VPC_ID),
    el('privateIpAddress', instance.privateIpAddress),
    el('sourceDestCheck', true),
    el('groupSet'),
    ended
      ? el(
          'stateReason',
          el('code', 'Client.UserInitiatedShutdown'),
          el('message', 'Client.UserInitiatedShutdown: User initiated shutdown'),
        )
      : undefined,
    el('architecture', 'x86_64'),
    el('rootDeviceType', 'ebs'),
    el('rootDeviceName', '/dev/xvda'),
    el('blockDeviceMapping'),
    el('virtualizationType', 'hvm'),
    opt('clientToken', instance.clientToken),
    tagSet(instance.tags),
    el('hypervisor', 'xen'),
    el('ebsOptimized', false),
    el('enaSupport', true),
  ];
}

/** Reservation members as EC2 writes them, with the reservation's instances in launch order. */
function reservationXml(state: CloudState, reservationId: string, instances: InstanceRecord[], at: number): XmlContent {
  return [
    el('reservationId', reservationId),
    el('ownerId', ACCOUNT_ID),
    el('groupSet'),
    list('instancesSet', 'item', instances, (i) => instanceXml(state, i, at)),
  ];
}

// ---- DescribeInstances filters ----

type FilterValues = (instance: InstanceRecord, state: CloudState) => string[];

const FILTERS: Record<string, FilterValues> = {
  'instance-id': (i) => [i.id],
  'instance-state-name': (i, s) => [s.stateOf(i)],
  'instance-state-code': (i, s) => [String(STATE_CODES[s.stateOf(i)])],
  'instance-type': (i) => [i.instanceType],
  'image-id': (i) => [i.imageId],
  'subnet-id': (i) => [i.subnetId],
  'vpc-id': () => [VPC_ID],
  'availability-zone': (i) => [i.availabilityZone],
  'placement.availability-zone': (i) => [i.availabilityZone],
  'private-ip-address': (i) => [i.privateIpAddress],
  'client-token': (i) => (i.clientToken === undefined ? [] : [i.clientToken]),
  'reservation-id': (i) => [i.reservationId],
  'tag-key': (i) => [...i.tags.keys()],
  'tag-value': (i) => [...i.tags.values()],
};

function filterValues(name: string): FilterValues {
  if (name.startsWith('tag:')) {
    const key = name.slice(4);
    return (i) => {
      const value = i.tags.get(key);
      return value === undefined ? [] : [value];
    };
  }
  const known = FILTERS[name];
  if (!known) throw new CloudError('InvalidParameterValue', `The filter '${name}' is invalid`);
  return known;
}

/** EC2 filter values take * and ? wildcards. */
function globMatch(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

function readFilters(params: Params): Array<{ values: FilterValues; patterns: string[] }> {
  return structListParam(params, 'Filter').map((filter) => {
    const name = filter.Name;
    if (name === undefined || name === '')
      throw new CloudError('InvalidParameterValue', 'The filter name must not be empty');
    return { values: filterValues(name), patterns: listParam(filter, 'Value') };
  });
}

// ---- actions ----

const runInstances: ActionHandler = (params, state) => {
  const minCount = intParam(params, 'MinCount');
  const maxCount = intParam(params, 'MaxCount');
  if (minCount === undefined)
    throw new CloudError('MissingParameter', 'The request must contain the parameter MinCount');
  if (maxCount === undefined)
    throw new CloudError('MissingParameter', 'The request must contain the parameter MaxCount');
  if (minCount < 1)
    throw new CloudError(
      'InvalidParameterValue',
      `Value (${minCount}) for parameter minCount is invalid. Expected a positive integer.`,
    );
  if (maxCount < minCount) {
    throw new CloudError(
      'InvalidParameterValue',
      `Value (${maxCount}) for parameter maxCount is invalid. maxCount must be greater than or equal to minCount.`,
    );
  }

  const templateId = params['LaunchTemplate.LaunchTemplateId'];
  const templateName = params['LaunchTemplate.LaunchTemplateName'];
  const usesTemplate = templateId !== undefined || templateName !== undefined;
  const template = usesTemplate
    ? state.template({
        ...(templateId !== undefined ? { id: templateId } : {}),
        ...(templateName !== undefined ? { name: templateName } : {}),
      })
    : undefined;
  const version = template ? state.templateVersion(template, params['LaunchTemplate.Version']) : undefined;

  const imageId = params.ImageId ?? version?.imageId;
  if (imageId === undefined) throw new CloudError('MissingParameter', 'The request must contain the parameter ImageId');
  const instanceType = params.InstanceType ?? version?.instanceType ?? 'm1.small';
  if (!/^[a-z0-9-]+\.[a-z0-9-]+$/.test(instanceType))
    throw new CloudError('InvalidParameterValue', `Invalid value '${instanceType}' for InstanceType.`);

  const tags = new Map<string, string>();
  for (const spec of structListParam(params, 'TagSpecification')) {
    const type = spec.ResourceType;
    if (type === undefined || !TAGGABLE_AT_LAUNCH.has(type)) {
      throw new CloudError(
        'InvalidParameterValue',
        `'${type ?? ''}' is not a valid taggable resource type for this operation.`,
      );
    }
    if (type === 'instance') for (const [key, value] of readTags(spec, 'Tag')) tags.set(key, value);
  }
  if (template && version) {
    tags.set('aws:ec2launchtemplate:id', template.id);
    tags.set('aws:ec2launchtemplate:version', String(version.number));
  }

  const subnetId = params.SubnetId;
  const zone = params['Placement.AvailabilityZone'];
  if (subnetId !== undefined && zone !== undefined && state.subnetZone(subnetId) !== zone) {
    throw new CloudError(
      'InvalidParameterValue',
      `Value (${zone}) for parameter availabilityZone is invalid. Subnet '${subnetId}' is in the availability zone ${state.subnetZone(subnetId)}`,
    );
  }

  const clientToken = params.ClientToken;
  if (clientToken !== undefined && clientToken.length > 64)
    throw new CloudError(
      'InvalidParameterValue',
      'Value for parameter ClientToken is too long (64 characters at most).',
    );
  checkDryRun(params);

  if (clientToken !== undefined) {
    // Same token and same request: the same reservation again, nothing launched.
    const fingerprint = JSON.stringify(
      Object.entries(params)
        .filter(([key]) => key !== 'ClientToken' && key !== 'DryRun')
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    const earlier = state.tokens.get(clientToken);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) {
        throw new CloudError(
          'IdempotentParameterMismatch',
          'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).',
        );
      }
      const reservation = state.reservations.get(earlier.reservationId);
      const instances = (reservation?.instanceIds ?? [])
        .map((id) => state.instance(id))
        .filter((i): i is InstanceRecord => i !== undefined);
      return reservationXml(state, earlier.reservationId, instances, state.now());
    }
    const reservation = launch();
    state.tokens.set(clientToken, { fingerprint, reservationId: reservation.id });
    return render(reservation.id, reservation.instanceIds);
  }
  const reservation = launch();
  return render(reservation.id, reservation.instanceIds);

  function launch() {
    const reservation = state.launch({
      imageId: imageId as string,
      instanceType,
      count: maxCount as number,
      ...(subnetId !== undefined ? { subnetId } : {}),
      ...(zone !== undefined ? { availabilityZone: zone } : {}),
      tags,
      ...(clientToken !== undefined ? { clientToken } : {}),
      ...(template && version
        ? { launchTemplate: { id: template.id, name: template.name, version: version.number } }
        : {}),
    });
    state.changed();
    return reservation;
  }

  function render(reservationId: string, ids: string[]): XmlContent {
    return reservationXml(state, reservationId, state.requireInstances(ids), state.now());
  }
};

const describeInstances: ActionHandler = (params, state) => {
  const ids = listParam(params, 'InstanceId');
  const filters = readFilters(params);
  const chosen = ids.length > 0 ? state.requireInstances(ids) : [...state.instances.values()];
  checkDryRun(params);
  const matching = chosen.filter((instance) =>
    filters.every((f) => {
      const values = f.values(instance, state);
      return f.patterns.some((p) => values.some((v) => globMatch(p, v)));
    }),
  );
  const byReservation = new Map<string, InstanceRecord[]>();
  for (const instance of matching)
    byReservation.set(instance.reservationId, [...(byReservation.get(instance.reservationId) ?? []), instance]);
  const at = state.now();
  return list('reservationSet', 'item', [...byReservation], ([reservationId, instances]) =>
    reservationXml(state, reservationId, instances, at),
  );
};

const terminateInstances: ActionHandler = (params, state) => {
  const ids = listParam(params, 'InstanceId');
  if (ids.length === 0) throw new CloudError('MissingParameter', 'The request must contain the parameter InstanceId');
  const instances = state.requireInstances(ids);
  checkDryRun(params);
  const changes = state.terminate(instances, 'user');
  state.changed();
  return list('instancesSet', 'item', changes, (c) => [
    el('instanceId', c.id),
    stateXml('currentState', c.current),
    stateXml('previousState', c.previous),
  ]);
};

const describeLaunchTemplates: ActionHandler = (params, state) => {
  const ids = listParam(params, 'LaunchTemplateId');
  const names = listParam(params, 'LaunchTemplateName');
  const notFound = 'At least one of the launch templates specified in the request does not exist.';
  for (const id of ids)
    if (!state.templates.has(id)) throw new CloudError('InvalidLaunchTemplateId.NotFound', notFound);
  const all = [...state.templates.values()];
  for (const name of names)
    if (!all.some((t) => t.name === name))
      throw new CloudError('InvalidLaunchTemplateName.NotFoundException', notFound);
  const filters = structListParam(params, 'Filter').map((f) => {
    if (f.Name !== 'launch-template-name')
      throw new CloudError('InvalidParameterValue', `The filter '${f.Name ?? ''}' is invalid`);
    return listParam(f, 'Value');
  });
  checkDryRun(params);
  const chosen = all.filter(
    (t) =>
      (ids.length === 0 || ids.includes(t.id)) &&
      (names.length === 0 || names.includes(t.name)) &&
      filters.every((patterns) => patterns.some((p) => globMatch(p, t.name))),
  );
  return list('launchTemplates', 'item', chosen, (t) => [
    el('launchTemplateId', t.id),
    el('launchTemplateName', t.name),
    el('createTime', isoTime(t.createdAt)),
    el('createdBy', `arn:aws:iam::${ACCOUNT_ID}:root`),
    el('defaultVersionNumber', t.defaultVersion),
    el('latestVersionNumber', Math.max(...t.versions.map((v) => v.number))),
    tagSet(t.tags),
  ]);
};

const createTags: ActionHandler = (params, state) => {
  const resources = listParam(params, 'ResourceId');
  if (resources.length === 0)
    throw new CloudError('MissingParameter', 'The request must contain the parameter ResourceId');
  const tags = readTags(params, 'Tag');
  if (tags.size === 0) throw new CloudError('MissingParameter', 'The request must contain the parameter Tag');
  const targets = resources.map((id) => {
    if (id.startsWith('i-')) return state.requireInstances([id])[0]?.tags;
    if (id.startsWith('lt-')) return state.template({ id }).tags;
    throw new CloudError('InvalidID', `The ID '${id}' is not valid`);
  });
  checkDryRun(params);
  for (const target of targets) for (const [key, value] of tags) target?.set(key, value);
  state.changed();
  return el('return', true);
};

export const EC2_API: ServiceApi = {
  service: 'ec2',
  actions: new Map<string, ActionHandler>([
    ['RunInstances', runInstances],
    ['DescribeInstances', describeInstances],
    ['TerminateInstances', terminateInstances],
    ['DescribeLaunchTemplates', describeLaunchTemplates],
    ['CreateTags', createTags],
  ]),
  success: ec2Success,
  error: ec2Error,
  missingAuthentication: () =>
    new CloudError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401),
  unknownAction: (action) =>
    action === undefined
      ? new CloudError('MissingAction', 'The request must contain the parameter Action')
      : new CloudError('InvalidAction', `The action ${action} is not valid for this web service.`),
};
