// .env.example and the env schema must list the same variables: a new variable is documented, a removed one is not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_KEYS } from '../../../src/config/env';

function exampleKeys(): string[] {
  const text = readFileSync(join(__dirname, '../../../.env.example'), 'utf8');
  return text
    .split('\n')
    .map((line) => /^\s*#?\s*([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
    .filter((key): key is string => key !== undefined);
}

describe('.env.example', () => {
  it('lists exactly the variables the env schema knows, each once', () => {
    const keys = exampleKeys();
    expect(keys.length).toBe(new Set(keys).size);
    expect([...keys].sort()).toEqual([...ENV_KEYS].sort());
  });

  it('explains each variable on the comment line above it', () => {
    const lines = readFileSync(join(__dirname, '../../../.env.example'), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!/^\s*#?\s*[A-Z][A-Z0-9_]*=/.test(line)) return;
      // The explanation is the nearest line above that is a comment but not itself a variable.
      let j = i - 1;
      while (j >= 0 && /^\s*#?\s*[A-Z][A-Z0-9_]*=/.test(lines[j] ?? '')) j--;
      expect(lines[j]).toMatch(/^# \S/);
    });
  });
});
