// Loads the configuration once, at start-up: the environment and the policy file, every problem reported at once.
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { FirebreakError } from '../errors';
import { formatIssues } from '../validation/zod-issues';
import { isLoopback, parseEnv, type Env, type Mode } from './env';
import { policySchema, type Policy } from './policy';
import type { ScaleTarget } from '../domain/scale-target';

export interface Config {
  mode: Mode;
  env: Env;
  policy: Policy;
  /** The policy file that was read (absolute), or null when there is none and the defaults apply. */
  policyPath: string | null;
  /** Where the sandbox writes its record of channels and messages (absolute). */
  sandboxDataDir: string;
  /** Settings that work but are probably not what an operator wants; logged at start-up. */
  warnings: string[];
}

export interface LoadOptions {
  /** Reads a policy file; throws an error with code ENOENT when there is none. */
  readFile?: (path: string) => string;
  /** Relative paths (FIREBREAK_CONFIG, FIREBREAK_SANDBOX_DIR, ./firebreak.yaml) resolve against it. */
  cwd?: string;
}

export const DEFAULT_POLICY_FILE = 'firebreak.yaml';

type PolicyResult = { ok: true; policy: Policy; path: string | null } | { ok: false; issues: string[] };

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

/** The file as the user would name it: relative to the working directory when inside it. */
function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function loadPolicy(configured: string | undefined, cwd: string, readFile: (path: string) => string): PolicyResult {
  const path = resolve(cwd, configured?.trim() || DEFAULT_POLICY_FILE);
  const shown = displayPath(path, cwd);
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    if (isMissing(error)) {
      if (configured === undefined) return { ok: true, policy: policySchema.parse({}), path: null };
      return { ok: false, issues: [`FIREBREAK_CONFIG: the policy file ${shown} does not exist`] };
    }
    return {
      ok: false,
      issues: [`${shown}: cannot be read (${error instanceof Error ? error.message : String(error)})`],
    };
  }

  const lineCounter = new LineCounter();
  // Not yaml's pretty errors: they span several lines (with an excerpt), and the report is one line per problem.
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    return {
      ok: false,
      issues: document.errors.map((error) => {
        const at = lineCounter.linePos(error.pos[0]);
        return `${shown}: line ${at.line}, column ${at.col}: YAML syntax error: ${error.message.split('\n')[0] ?? error.message}`;
      }),
    };
  }
  // An empty file (or one with only comments) is the defaults.
  const data: unknown = document.toJS() ?? {};
  const parsed = policySchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    return { ok: false, issues: formatIssues(parsed.error.issues, `${shown}: `) };
  }
  return { ok: true, policy: parsed.data, path };
}

/**
 * The capacity watches (issue 17) whose source has nothing to read it with: `source: prometheus` needs
 * PROMETHEUS_URL. CloudWatch needs nothing here: the AWS SDK's own chain gives its region and credentials.
 */
export function unconfiguredWatchSources(
  env: Pick<Env, 'PROMETHEUS_URL'>,
  targets: readonly Pick<ScaleTarget, 'name' | 'watch'>[],
): string[] {
  return targets
    .filter((t) => t.watch?.query.source === 'prometheus' && !env.PROMETHEUS_URL)
    .map(
      (t) =>
        `PROMETHEUS_URL: is not set, and scale target "${t.name}" watches its load with source: prometheus; set PROMETHEUS_URL to Prometheus's base URL (or remove the target's watch)`,
    );
}

/**
 * Reads and validates the environment and the policy file. Throws CONFIG_INVALID listing every problem,
 * one per line, each with where it is (`PORT: …`, `firebreak.yaml: routing.services.0.responders.1: …`).
 */
export function loadConfig(
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
  options: LoadOptions = {},
): Config {
  const cwd = options.cwd ?? process.cwd();
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const envResult = parseEnv(env);
  const configured = env.FIREBREAK_CONFIG?.trim() ? env.FIREBREAK_CONFIG : undefined;
  const policyResult = loadPolicy(configured, cwd, readFile);

  const issues = [...(envResult.ok ? [] : envResult.issues), ...(policyResult.ok ? [] : policyResult.issues)];
  if (!envResult.ok || !policyResult.ok) {
    throw new FirebreakError('CONFIG_INVALID', issues.join('\n'), { step: 'reading the configuration' });
  }
  // A watched target whose metrics source is not configured would watch nothing: refused at start, named.
  // The sandbox serves its own Prometheus (sandbox/fake-prometheus.ts) when PROMETHEUS_URL is not set.
  const unwatchable =
    envResult.mode === 'sandbox' ? [] : unconfiguredWatchSources(envResult.env, policyResult.policy.scaleTargets);
  if (unwatchable.length > 0)
    throw new FirebreakError('CONFIG_INVALID', unwatchable.join('\n'), { step: 'reading the configuration' });
  return {
    mode: envResult.mode,
    env: envResult.env,
    policy: policyResult.policy,
    policyPath: policyResult.path,
    sandboxDataDir: resolve(cwd, envResult.env.FIREBREAK_SANDBOX_DIR),
    warnings: [
      ...(envResult.mode === 'live' && !env.PUBLIC_URL?.trim()
        ? [
            `PUBLIC_URL is not set: postmortem links posted to Slack will point at ${envResult.env.PUBLIC_URL || 'the address Firebreak listens on'}, which people in Slack cannot open`,
          ]
        : []),
      // Allowed only with FIREBREAK_SANDBOX=1 (env.ts); said loudly, as it is the one unauthenticated setup.
      ...(envResult.mode === 'sandbox' && !isLoopback(envResult.env.HOST)
        ? [
            `THE SANDBOX IS EXPOSED on ${envResult.env.HOST} (FIREBREAK_SANDBOX=1): anyone who can reach this port can fire alerts` +
              `${env.ALERT_WEBHOOK_TOKEN?.trim() ? '' : ' with the published token sandbox-alert-token'} and use the console at /sandbox to act as any user, without logging in`,
          ]
        : []),
    ],
  };
}
