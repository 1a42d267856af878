// The deployment files (deploy/, Dockerfile): valid Kubernetes, and in step with Firebreak's own configuration.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import { ConfigMap, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { ENV_KEYS, envSchema, parseEnv, SECRET_ENV_KEYS, type EnvKey } from '../../../src/config/env';
import { loadConfig } from '../../../src/config/load';

const ROOT = join(__dirname, '../../..');
const KUBERNETES = join(ROOT, 'deploy/kubernetes');

/** Kubernetes' schema for each kind the manifests use. A kind missing here fails the first test: add it. */
const SCHEMAS: Record<string, { prototype: { validate(): void } }> = {
  'apps/v1 Deployment': Deployment,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'v1 ConfigMap': ConfigMap,
  'v1 PersistentVolumeClaim': PersistentVolumeClaim,
  'v1 Secret': Secret,
  'v1 Service': Service,
};

interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
}

/** Every document of every file under deploy/kubernetes, the Secret template (.template) included. */
function manifests(): { file: string; object: KubernetesObject }[] {
  const files = readdirSync(KUBERNETES, { recursive: true, encoding: 'utf8' }).filter((file) =>
    /\.(ya?ml|template)$/.test(file),
  );
  return files.sort().flatMap((file) =>
    parseAllDocuments(readFileSync(join(KUBERNETES, file), 'utf8')).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
      return { file, object: document.toJS() as KubernetesObject };
    }),
  );
}

const objects = manifests().map(({ object }) => object);
const deployments = objects.filter((object): object is IDeployment & KubernetesObject => object.kind === 'Deployment');

function find<T>(kind: string, name: string): T {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} under deploy/kubernetes`);
  return found as T;
}

/** Reads of an object's fields, each recorded by its path (`/spec/replicas`), through to the leaves. */
function watched(value: unknown, path: string, read: Set<string>): unknown {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      const field: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || !Object.hasOwn(target, key)) return field;
      read.add(`${path}/${key}`);
      return watched(field, `${path}/${key}`, read);
    },
  });
}

function fieldPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => fieldPaths(item, `${path}/${i}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, field]) => [`${path}/${key}`, ...fieldPaths(field, `${path}/${key}`)]);
}

/**
 * Checks an object against Kubernetes' schema (kubernetes-models): types and required fields. The schema
 * lets unknown fields through, as Kubernetes' OpenAPI does, but the API server refuses them (or, before
 * strict field validation, drops them: a misplaced readOnlyRootFilesystem would silently vanish). The
 * schema's validator reads every field it knows, so a field it never read is one Kubernetes does not have.
 */
function validate(object: KubernetesObject): void {
  const schema = SCHEMAS[`${object.apiVersion} ${object.kind}`];
  if (!schema) throw new Error(`no schema for ${object.apiVersion} ${object.kind}: add it to SCHEMAS`);
  const read = new Set<string>();
  schema.prototype.validate.call(watched(object, '', read)); // throws listing every problem
  const unknown = fieldPaths(object).filter((path) => !read.has(path));
  if (unknown.length > 0) throw new Error(`fields Kubernetes does not have: ${unknown.join(', ')}`);
}

function theContainer(deployment: IDeployment): IContainer {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  expect(containers).toHaveLength(1);
  return containers[0] as IContainer;
}

/**
 * The environment a Deployment's container gets, as Kubernetes builds it: envFrom in order, then env.
 * `secrets` stands in for the values of the Secret, which the repository holds only as a template.
 */
function environmentOf(deployment: IDeployment, secrets: Record<string, string> = {}): Record<string, string> {
  const container = theContainer(deployment);
  const dataOf = (kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> =>
    kind === 'ConfigMap'
      ? (find<IConfigMap>(kind, name).data ?? {})
      : { ...find<ISecret>(kind, name).stringData, ...secrets };
  const environment: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const data = source.configMapRef
      ? dataOf('ConfigMap', source.configMapRef.name ?? '')
      : dataOf('Secret', source.secretRef?.name ?? '');
    for (const [key, value] of Object.entries(data)) environment[`${source.prefix ?? ''}${key}`] = value;
  }
  for (const { name, value, valueFrom } of container.env ?? []) {
    const ref = valueFrom?.configMapKeyRef ?? valueFrom?.secretKeyRef;
    if (ref) {
      const data = dataOf(valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret', ref.name ?? '');
      if (!(ref.key in data)) throw new Error(`${name} refers to ${ref.key}, which ${ref.name} does not have`);
      environment[name] = data[ref.key] as string;
    } else {
      environment[name] = value ?? '';
    }
  }
  return environment;
}

/** Values that pass Firebreak's checks, for a start-up check with the manifests' other values. */
const FILLED_SECRET = {
  SLACK_BOT_TOKEN: 'xoxb-1234-5678-abcdef',
  SLACK_SIGNING_SECRET: 'signing-secret-0123456789abcdef',
  ALERT_WEBHOOK_TOKEN: 'alert-token-0123456789abcdef',
  LINK_SECRET: 'link-secret-0123456789abcdef0123456789',
  DATABASE_URL: 'postgres://firebreak:password@postgres:5432/firebreak',
};

/** Names and values, each name one Firebreak reads and each value one its check accepts. */
function expectKnownVariables(variables: Record<string, string>): void {
  for (const [name, value] of Object.entries(variables)) {
    expect(ENV_KEYS).toContain(name);
    expect([name, envSchema.shape[name as EnvKey].safeParse(value).success]).toEqual([name, true]);
  }
}

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  it('are valid Kubernetes objects: types, required fields, and no field Kubernetes does not have', () => {
    const problems = manifests().flatMap(({ file, object }) => {
      try {
        validate(object);
        return [];
      } catch (error) {
        return [`${file}: ${object.kind} ${object.metadata.name}: ${(error as Error).message}`];
      }
    });
    expect(problems).toEqual([]);
    expect(deployments.map((d) => d.spec?.replicas).sort()).toEqual([1, 2]); // PostgreSQL and SQLite
  });

  it('refuses a wrong manifest: a string where an integer belongs, a field in the wrong place', () => {
    const [deployment] = deployments;
    const wrongType = structuredClone(deployment) as IDeployment & KubernetesObject;
    (wrongType.spec as { replicas: unknown }).replicas = '2';
    expect(() => validate(wrongType)).toThrow('data/spec/replicas must be integer');

    const misplaced = structuredClone(deployment) as IDeployment & KubernetesObject;
    Object.assign(misplaced.spec?.template.spec?.securityContext ?? {}, { readOnlyRootFilesystem: true });
    expect(() => validate(misplaced)).toThrow('/spec/template/spec/securityContext/readOnlyRootFilesystem');
  });

  it('set only variables Firebreak reads; secrets only in the Secret, which names every one of them', () => {
    for (const deployment of deployments) {
      expect(Object.keys(environmentOf(deployment)).filter((name) => !(ENV_KEYS as string[]).includes(name))).toEqual(
        [],
      );
    }
    const secret = find<ISecret>('Secret', 'firebreak').stringData ?? {};
    expect(Object.keys(secret).sort()).toEqual([...SECRET_ENV_KEYS].sort());
    expect(Object.values(secret).filter((value) => value !== '' && value !== 'REPLACE_ME')).toEqual([]);
    const configMaps = objects.filter((object): object is IConfigMap & KubernetesObject => object.kind === 'ConfigMap');
    expect(
      configMaps.flatMap((configMap) => Object.keys(configMap.data ?? {})).filter((key) => SECRET_ENV_KEYS.has(key)),
    ).toEqual([]);
  });

  it('start Firebreak as they stand once the Secret is filled in: its environment and the mounted policy pass its checks', () => {
    for (const deployment of deployments) {
      const environment = environmentOf(deployment, FILLED_SECRET);
      // The policy file is where FIREBREAK_CONFIG says, mounted from a ConfigMap key of that name.
      const policyPath = environment.FIREBREAK_CONFIG ?? '';
      const container = theContainer(deployment);
      const mount = container.volumeMounts?.find((m) => m.mountPath === posix.dirname(policyPath));
      const volume = deployment.spec?.template.spec?.volumes?.find((v) => v.name === mount?.name);
      const policy = find<IConfigMap>('ConfigMap', volume?.configMap?.name ?? '').data?.[posix.basename(policyPath)];
      expect(policy).toBeDefined();

      const config = loadConfig(environment, {
        cwd: '/app',
        readFile: (path) => (path === policyPath ? (policy as string) : missing(path)),
      });
      expect(config.mode).toBe('live');
      expect(config.policyPath).toBe(policyPath);
    }
  });

  it('do not start Firebreak with the Secret template unfilled', () => {
    const postgres = deployments.find((deployment) => deployment.spec?.replicas !== 1) as IDeployment;
    const result = parseEnv(environmentOf(postgres));
    expect(result.ok).toBe(false);
    const refused = result.ok ? [] : result.issues.map((issue) => issue.split(':')[0]);
    expect(refused).toEqual(
      expect.arrayContaining(['SLACK_BOT_TOKEN', 'DATABASE_URL', 'ALERT_WEBHOOK_TOKEN', 'LINK_SECRET']),
    );
  });

  it('probe /healthz on the port Firebreak listens on, and never route on /readyz (a Slack outage fails it everywhere)', () => {
    const port = envSchema.shape.PORT.parse(undefined); // PORT is not set: Firebreak's default
    for (const deployment of deployments) {
      const container = theContainer(deployment);
      expect(environmentOf(deployment).PORT).toBeUndefined();
      expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
      for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe]) {
        expect(probe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      }
    }
    expect(find<{ spec: { ports: { targetPort: string }[] } }>('Service', 'firebreak').spec.ports[0]?.targetPort).toBe(
      'http',
    );
  });

  it('run SQLite as exactly one replica, replaced not rolled, on a PersistentVolumeClaim', () => {
    for (const deployment of deployments) {
      const database = environmentOf(deployment, FILLED_SECRET).DATABASE_URL ?? '';
      if (!database.startsWith('sqlite:')) continue;
      expect(deployment.spec?.replicas).toBe(1);
      expect(deployment.spec?.strategy?.type).toBe('Recreate');
      const mount = theContainer(deployment).volumeMounts?.find(
        (m) => m.mountPath === posix.dirname(database.slice('sqlite:'.length)),
      );
      const volume = deployment.spec?.template.spec?.volumes?.find((v) => v.name === mount?.name);
      expect(volume?.persistentVolumeClaim?.claimName).toBeDefined();
    }
  });
});

describe('Dockerfile and systemd unit', () => {
  it('set only variables Firebreak reads, with values it accepts', () => {
    // The final stage is the image; build stages' settings never reach it.
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
    const image = dockerfile.split(/^FROM /m).at(-1) ?? '';
    const imageEnv = [...image.matchAll(/^ENV (.+)$/gm)].flatMap((line) => (line[1] ?? '').trim().split(/\s+/));
    expectKnownVariables(Object.fromEntries(imageEnv.map((pair) => pair.split(/=(.*)/s).slice(0, 2))));
    expect(image).toMatch(/^EXPOSE 3000$/m);
    expect(image).toMatch(/^USER 1000:1000$/m); // not root; by number, so runAsNonRoot can check it

    const unit = readFileSync(join(ROOT, 'deploy/systemd/firebreak.service'), 'utf8');
    const unitEnv = [...unit.matchAll(/^Environment=([A-Z0-9_]+)=(.*)$/gm)].map((line) => [line[1], line[2]]);
    expect(unitEnv.length).toBeGreaterThan(0);
    expectKnownVariables(Object.fromEntries(unitEnv));
  });
});

function missing(path: string): never {
  throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
}
