// package.json's engines and .nvmrc say the one Node line Firebreak is tested on, and agree with each other.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

it('declares Node 20, the version the tests run on, in engines and .nvmrc', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines?: { node?: string } };
  expect(pkg.engines?.node).toBe('>=20.12 <21'); // 20.12: process.loadEnvFile reads .env
  expect(existsSync(join(ROOT, '.nvmrc'))).toBe(true);
  expect(readFileSync(join(ROOT, '.nvmrc'), 'utf8')).toBe('20\n');
  expect(process.versions.node.split('.')[0]).toBe('20');
});
