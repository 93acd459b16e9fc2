/**
 * The Super Admin watch's rules, over a stand-in for the two counts it asks Strapi's query engine for: warn when
 * admin users exist and none is a Super Admin, look at most once a minute, and stop looking once one is seen.
 * (The real dead end it warns about is shown in test/integration/super-admin-watch.test.ts.)
 */
import { createSuperAdminWatch, NO_SUPER_ADMIN_WARNING } from '../../../server/src/strapi/super-admin-watch';
import type { Strapi } from '../../../server/src/strapi/types';

function fakeStrapi(state: { superAdmins: number; users: number }) {
  const warnings: string[] = [];
  let looks = 0;
  const strapi = {
    db: {
      query: () => ({
        count: async ({ where }: { where?: Record<string, unknown> }) => {
          looks += 1;
          return where && 'roles' in where ? state.superAdmins : state.users;
        },
      }),
    },
    log: { warn: (line: string) => warnings.push(line) },
  } as unknown as Strapi;
  return { strapi, warnings, looks: () => looks };
}

describe('Super Admin watch', () => {
  test('no admin user at all (a new app): quiet — Strapi still offers its registration page', async () => {
    const { strapi, warnings } = fakeStrapi({ superAdmins: 0, users: 0 });
    await createSuperAdminWatch(strapi).check(0);
    expect(warnings).toEqual([]);
  });

  test('admin users and no Super Admin: one warning naming the fix, then at most one look a minute', async () => {
    const { strapi, warnings, looks } = fakeStrapi({ superAdmins: 0, users: 3 });
    const watch = createSuperAdminWatch(strapi);
    await watch.check(1_000);
    expect(warnings).toEqual([NO_SUPER_ADMIN_WARNING]);
    expect(NO_SUPER_ADMIN_WARNING).toContain('npx strapi admin:create-user');
    const looked = looks();
    await watch.check(30_000);
    expect(looks()).toBe(looked);
    await watch.check(61_001);
    expect(warnings).toHaveLength(2);
  });

  test('once a Super Admin is seen, it never looks again', async () => {
    const state = { superAdmins: 1, users: 5 };
    const { strapi, warnings, looks } = fakeStrapi(state);
    const watch = createSuperAdminWatch(strapi);
    await watch.check(0);
    const looked = looks();
    state.superAdmins = 0;
    await watch.check(10 * 60_000);
    watch.afterCreate();
    expect(looks()).toBe(looked);
    expect(warnings).toEqual([]);
  });
});
