/**
 * The log page's words against what the server writes: the Operation filter offers every operation some
 * writer logs (and nothing else), and operations, resource types and methods all have an English label.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import en from '../../../admin/src/translations/en.json';
import { METHODS, OPERATIONS, RESOURCE_TYPES } from '../../../admin/src/utils/log-vocabulary';
import { LOGGED_OPERATIONS } from '../../../server/src/directory/log-operations';

const SERVER = join(__dirname, '../../../server/src');
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });

test('the admin list is the server list (same operations, none twice)', () => {
  expect(new Set(OPERATIONS).size).toBe(OPERATIONS.length);
  expect([...OPERATIONS].sort()).toEqual([...LOGGED_OPERATIONS].sort());
});

test('every operation written as a literal in the server is in the list', () => {
  // `operation: 'remap'`, `record(ctx, 'sso-login', …)`, `browserRoute(ctx, 'sso-logout', …)`, `refuse(ctx, 'sso-login', …)`.
  const pattern = /(?:operation: |(?:record|browserRoute|refuse)\(ctx, )'([\w-]+)'/g;
  const found = new Set<string>();
  for (const file of sourceFiles(SERVER)) for (const match of readFileSync(file, 'utf8').matchAll(pattern)) found.add(match[1]!);
  expect(found.size).toBeGreaterThanOrEqual(5);
  for (const operation of found) expect(LOGGED_OPERATIONS).toContain(operation);
});

test('every operation, type and method has an English label', () => {
  const messages = en as Record<string, string>;
  for (const operation of OPERATIONS) expect(messages[`log.operation.${operation}`]).toEqual(expect.any(String));
  for (const type of RESOURCE_TYPES) expect(messages[`log.type.${type}`]).toEqual(expect.any(String));
  for (const method of METHODS) expect(messages[`log.method.${method}`]).toEqual(expect.any(String));
});
