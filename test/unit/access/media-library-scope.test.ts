import type { AccessConditions, FolderRow, GrantedPermission } from '../../../server/src/access/conditions';
import {
  FOLDER_CONDITION,
  allInside,
  ancestorPaths,
  filterFolderListing,
  filterFolderTree,
  folderIdsIn,
  folderScope,
  idsIn,
  isFolderLimited,
  registerMediaLibraryScope,
} from '../../../server/src/access/media-library-scope';
import type { Strapi } from '../../../server/src/strapi/types';

const READ = 'plugin::upload.read';
const UPDATE = 'plugin::upload.assets.update';

// Marketing /1 > Campaigns /1/2; HR /3; Company /4 > Press /4/5, Legal /4/6. Database ids differ from pathIds.
const ROWS: FolderRow[] = [
  { id: 11, path: '/1' },
  { id: 12, path: '/1/2' },
  { id: 13, path: '/3' },
  { id: 14, path: '/4' },
  { id: 15, path: '/4/5' },
  { id: 16, path: '/4/6' },
];
const scope = folderScope(['/1', '/1/2', '/4/5']);
const ids = folderIdsIn(ROWS, scope);

describe('isFolderLimited', () => {
  const limited: GrantedPermission = { action: READ, conditions: [FOLDER_CONDITION] };

  test('a grant carrying only the folder condition is limited', () => {
    expect(isFolderLimited([limited], READ)).toBe(true);
    expect(isFolderLimited([limited, { action: READ, conditions: [FOLDER_CONDITION] }], READ)).toBe(true);
  });

  test('any grant beyond the folders (no condition, or another condition ORed in) is not', () => {
    expect(isFolderLimited([{ action: READ, conditions: [] }], READ)).toBe(false);
    expect(isFolderLimited([{ action: READ }], READ)).toBe(false);
    expect(isFolderLimited([limited, { action: READ, conditions: [] }], READ)).toBe(false);
    expect(isFolderLimited([{ action: READ, conditions: [FOLDER_CONDITION, 'admin::is-creator'] }], READ)).toBe(false);
    expect(isFolderLimited([{ action: READ, conditions: ['admin::is-creator'] }], READ)).toBe(false);
  });

  test('only the grants of the route\'s action count', () => {
    expect(isFolderLimited([limited], UPDATE)).toBe(false);
    expect(isFolderLimited([limited, { action: UPDATE, conditions: [] }], READ)).toBe(true);
    expect(isFolderLimited([], READ)).toBe(false);
  });
});

describe('folderScope', () => {
  test('ancestorPaths lists every parent from the root down', () => {
    expect(ancestorPaths('/4/5/9')).toEqual(['/4', '/4/5']);
    expect(ancestorPaths('/4')).toEqual([]);
  });

  test('ancestors are visible but not allowed', () => {
    expect([...scope.allowed].sort()).toEqual(['/1', '/1/2', '/4/5']);
    expect([...scope.visible].sort()).toEqual(['/1', '/1/2', '/4', '/4/5']);
  });

  test('no folders allow nothing', () => {
    expect(folderScope(null).visible.size).toBe(0);
    expect(allInside(folderScope(null), ['/1'])).toBe(false);
  });

  test('allInside: every path must be allowed; the root and unknown paths never are', () => {
    expect(allInside(scope, ['/1', '/1/2'])).toBe(true);
    expect(allInside(scope, [])).toBe(true);
    expect(allInside(scope, ['/1', '/3'])).toBe(false);
    expect(allInside(scope, ['/4'])).toBe(false);
    expect(allInside(scope, ['/'])).toBe(false);
    expect(allInside(scope, [null])).toBe(false);
    expect(allInside(scope, [undefined])).toBe(false);
  });

  test('folderIdsIn maps paths to database ids', () => {
    expect([...ids.allowed].sort()).toEqual(['11', '12', '15']);
    expect([...ids.visible].sort()).toEqual(['11', '12', '14', '15']);
  });
});

describe('filterFolderTree', () => {
  const tree = [
    { id: 14, name: 'Company', children: [{ id: 16, name: 'Legal', children: [] }, { id: 15, name: 'Press', children: [] }] },
    { id: 13, name: 'HR', children: [] },
    { id: 11, name: 'Marketing', children: [{ id: 12, name: 'Campaigns', children: [] }] },
  ];

  test('keeps visible folders only, at every depth, in order', () => {
    expect(filterFolderTree(tree, ids)).toEqual([
      { id: 14, name: 'Company', children: [{ id: 15, name: 'Press', children: [] }] },
      { id: 11, name: 'Marketing', children: [{ id: 12, name: 'Campaigns', children: [] }] },
    ]);
  });

  test('a hidden folder hides its whole branch; a non-list is left alone', () => {
    const onlyHr = folderIdsIn(ROWS, folderScope([]));
    expect(filterFolderTree(tree, onlyHr)).toEqual([]);
    expect(filterFolderTree(null, ids)).toBeNull();
  });
});

describe('filterFolderListing', () => {
  test('a listing keeps visible folders; entries without an id are dropped', () => {
    const listing = [{ id: 11, name: 'Marketing' }, { id: 13, name: 'HR' }, { name: 'no id' }, { id: '15', name: 'Press' }];
    expect(filterFolderListing(listing, ids)).toEqual([{ id: 11, name: 'Marketing' }, { id: '15', name: 'Press' }]);
  });

  test('populated relations are cut: hidden children removed, an ancestor\'s files emptied, counts untouched', () => {
    const company = {
      id: 14,
      name: 'Company',
      children: [{ id: 15, name: 'Press', files: [{ id: 1 }] }, { id: 16, name: 'Legal' }],
      files: [{ id: 2, name: 'company.png' }],
      parent: null,
    };
    expect(filterFolderListing([company], ids)).toEqual([
      { id: 14, name: 'Company', children: [{ id: 15, name: 'Press', files: [{ id: 1 }] }], files: [], parent: null },
    ]);
    const counted = { id: 14, children: { count: 2 }, files: { count: 1 } };
    expect(filterFolderListing([counted], ids)).toEqual([counted]);
  });

  test('a populated parent is cut the same way', () => {
    const press = { id: 15, parent: { id: 14, children: [{ id: 15 }, { id: 16 }] } };
    expect(filterFolderListing(press, ids)).toEqual({ id: 15, parent: { id: 14, children: [{ id: 15 }] } });
  });

  test('a single hidden folder becomes null', () => {
    expect(filterFolderListing({ id: 13, name: 'HR' }, ids)).toBeNull();
  });
});

describe('idsIn', () => {
  test('absent is none, a list of ids is kept, anything else is refused', () => {
    expect(idsIn(undefined)).toEqual([]);
    expect(idsIn([1, '2'])).toEqual([1, '2']);
    expect(idsIn(null)).toBeNull();
    expect(idsIn('[1]')).toBeNull();
    expect(idsIn([1, { id: 2 }])).toBeNull();
    expect(idsIn([''])).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------
// Registration and the middleware, against a fake Strapi
// ---------------------------------------------------------------------------------------------------------

interface FakeRoute {
  method: string;
  path: string;
  config: { policies: unknown[]; middlewares?: unknown[] };
}
type Middleware = (ctx: FakeContext, next: () => Promise<unknown>) => Promise<void>;

const ROUTE_PATHS: [string, string][] = [
  ['GET', '/folder-structure'],
  ['GET', '/folders'],
  ['GET', '/folders/:id'],
  ['POST', '/folders'],
  ['PUT', '/folders/:id'],
  ['POST', '/actions/bulk-delete'],
  ['POST', '/actions/bulk-move'],
  ['GET', '/files'],
];

function fakeStrapi(routes: FakeRoute[] | null) {
  const warn = jest.fn();
  const files: Record<string, string> = { '1': '/1', '2': '/3', '3': '/' };
  const folderPaths = new Map(ROWS.map((row) => [String(row.id), row.path]));
  const upload = routes ? { routes: { admin: { type: 'admin', routes }, 'content-api': { routes: [] } } } : undefined;
  const strapi = {
    plugin: (name: string) => (name === 'upload' ? upload : undefined),
    log: { warn },
    db: {
      query: (uid: string) => ({
        async findMany({ where }: { where: { id: { $in: (string | number)[] } } }) {
          const wanted = where.id.$in.map(String);
          if (uid === 'plugin::upload.file') return wanted.filter((id) => id in files).map((id) => ({ folderPath: files[id] }));
          return wanted.flatMap((id) => (folderPaths.has(id) ? [{ path: folderPaths.get(id) }] : []));
        },
      }),
    },
  };
  return { strapi: strapi as unknown as Strapi, upload, warn };
}

function fakeAccess(granted: GrantedPermission[]) {
  const forgetFolders = jest.fn();
  const access = {
    permissionsOf: async () => granted,
    allowedFolderPaths: async () => ['/1', '/1/2', '/4/5'],
    folders: async () => ROWS,
    forgetFolders,
  };
  return { access: access as unknown as AccessConditions, forgetFolders };
}

interface FakeContext {
  state: { user?: { id: number } };
  params: Record<string, string>;
  request: { body?: unknown };
  body: unknown;
  status: number;
  forbidden: jest.Mock;
  notFound: jest.Mock;
}
const context = (init: Partial<FakeContext> = {}): FakeContext => ({
  state: { user: { id: 7 } },
  params: {},
  request: {},
  body: undefined,
  status: 404,
  forbidden: jest.fn(),
  notFound: jest.fn(),
  ...init,
});

function freshRoutes(): FakeRoute[] {
  return ROUTE_PATHS.map(([method, path]) => ({ method, path, config: { policies: ['admin::isAuthenticatedAdmin'] } }));
}

/** Registers on fresh routes and returns the middleware added to one route. */
function middlewareOf(method: string, path: string, granted: GrantedPermission[]) {
  const { strapi, upload } = fakeStrapi(freshRoutes());
  const { access, forgetFolders } = fakeAccess(granted);
  registerMediaLibraryScope(strapi, access);
  const route = upload!.routes.admin.routes.find((candidate) => candidate.method === method && candidate.path === path)!;
  return { middleware: route.config.middlewares!.at(-1) as Middleware, forgetFolders };
}

const limitedOn = (action: string): GrantedPermission[] => [{ action, conditions: [FOLDER_CONDITION] }];

describe('registerMediaLibraryScope', () => {
  test('adds one middleware to each listed route, after any already there, on copies of the shared route objects', () => {
    const routes = freshRoutes();
    const existing = () => undefined;
    routes[0]!.config.middlewares = [existing];
    const { strapi, upload, warn } = fakeStrapi(routes);
    const original = upload!.routes;
    registerMediaLibraryScope(strapi, fakeAccess([]).access);
    const scoped = upload!.routes.admin.routes;
    expect(scoped.slice(0, 7).map((route) => route.config.middlewares?.length)).toEqual([2, 1, 1, 1, 1, 1, 1]);
    expect(scoped[0]!.config.middlewares![0]).toBe(existing);
    expect(scoped[7]).toBe(routes[7]);
    expect(scoped[7]!.config.middlewares).toBeUndefined();
    expect(routes[1]!.config.middlewares).toBeUndefined();
    expect(routes[0]!.config.middlewares).toEqual([existing]);
    expect(original.admin.routes).toBe(routes);
    expect(upload!.routes['content-api']).toBe(original['content-api']);
    expect(warn).not.toHaveBeenCalled();
  });

  test('names each route it cannot find in a warning', () => {
    const { strapi, warn } = fakeStrapi(freshRoutes().filter((route) => route.path !== '/actions/bulk-move'));
    registerMediaLibraryScope(strapi, fakeAccess([]).access);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain('POST /upload/actions/bulk-move');
  });

  test('does nothing without the upload plugin', () => {
    const { strapi, warn } = fakeStrapi(null);
    expect(() => registerMediaLibraryScope(strapi, fakeAccess([]).access)).not.toThrow();
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('the scope middleware', () => {
  test('passes a person who is not limited straight through', async () => {
    const { middleware } = middlewareOf('POST', '/actions/bulk-delete', [{ action: UPDATE, conditions: [] }]);
    const ctx = context({ request: { body: { fileIds: [2] } } });
    const next = jest.fn(async () => undefined);
    await middleware(ctx, next);
    expect(next).toHaveBeenCalledTimes(1);
    expect(ctx.forbidden).not.toHaveBeenCalled();
  });

  test('refuses a limited person\'s bulk delete reaching outside, without calling Strapi', async () => {
    const { middleware, forgetFolders } = middlewareOf('POST', '/actions/bulk-delete', limitedOn(UPDATE));
    for (const body of [{ fileIds: [2] }, { fileIds: [1, 3] }, { folderIds: [13] }, { folderIds: [14] }, { fileIds: 'x' }]) {
      const ctx = context({ request: { body } });
      const next = jest.fn(async () => undefined);
      await middleware(ctx, next);
      expect(next).not.toHaveBeenCalled();
      expect(ctx.forbidden).toHaveBeenCalledTimes(1);
    }
    expect(forgetFolders).toHaveBeenCalled();
  });

  test('lets a limited person\'s bulk delete inside their folders through; unknown ids are no-ops', async () => {
    const { middleware } = middlewareOf('POST', '/actions/bulk-delete', limitedOn(UPDATE));
    const ctx = context({ request: { body: { fileIds: [1, 999], folderIds: [12] } } });
    const next = jest.fn(async () => undefined);
    await middleware(ctx, next);
    expect(next).toHaveBeenCalledTimes(1);
  });

  test('a limited bulk move needs an allowed destination; the root never is', async () => {
    const { middleware } = middlewareOf('POST', '/actions/bulk-move', limitedOn(UPDATE));
    const outcomes: boolean[] = [];
    for (const destinationFolderId of [12, 13, 14, null, undefined]) {
      const next = jest.fn(async () => undefined);
      await middleware(context({ request: { body: { fileIds: [1], destinationFolderId } } }), next);
      outcomes.push(next.mock.calls.length === 1);
    }
    expect(outcomes).toEqual([true, false, false, false, false]);
  });

  test('a limited folder update must stay inside; a rename without `parent` keeps the folder where it is', async () => {
    const { middleware } = middlewareOf('PUT', '/folders/:id', limitedOn(UPDATE));
    const run = async (id: string, body: unknown) => {
      const next = jest.fn(async () => undefined);
      await middleware(context({ params: { id }, request: { body } }), next);
      return next.mock.calls.length === 1;
    };
    expect(await run('12', { name: 'Renamed' })).toBe(true);
    expect(await run('12', { parent: 15 })).toBe(true);
    expect(await run('12', { parent: null })).toBe(false);
    expect(await run('12', { parent: 13 })).toBe(false);
    expect(await run('13', { name: 'Renamed' })).toBe(false);
    expect(await run('14', { name: 'Renamed' })).toBe(false);
  });

  test('filters the folder tree after Strapi answers, for limited people only', async () => {
    const tree = [{ id: 13, name: 'HR', children: [] }, { id: 11, name: 'Marketing', children: [] }];
    const limited = middlewareOf('GET', '/folder-structure', limitedOn(READ)).middleware;
    const ctx = context();
    await limited(ctx, async () => {
      ctx.body = { data: tree };
    });
    expect(ctx.body).toEqual({ data: [{ id: 11, name: 'Marketing', children: [] }] });

    const unlimited = middlewareOf('GET', '/folder-structure', [{ action: READ, conditions: [] }]).middleware;
    const untouched = context();
    await unlimited(untouched, async () => {
      untouched.body = { data: tree };
    });
    expect(untouched.body).toEqual({ data: tree });
  });

  test('answers a hidden folder as missing, without asking Strapi', async () => {
    const { middleware } = middlewareOf('GET', '/folders/:id', limitedOn(READ));
    const hidden = context({ params: { id: '13' } });
    const next = jest.fn(async () => undefined);
    await middleware(hidden, next);
    expect(next).not.toHaveBeenCalled();
    expect(hidden.notFound).toHaveBeenCalledWith('folder not found');
    const ancestor = context({ params: { id: '14' } });
    await middleware(ancestor, next);
    expect(next).toHaveBeenCalledTimes(1);
  });

  test('drops the cached folder tree after a folder change, even for people it does not limit', async () => {
    const { middleware, forgetFolders } = middlewareOf('POST', '/folders', [{ action: 'plugin::upload.assets.create', conditions: [] }]);
    await middleware(context({ request: { body: { name: 'New', parent: null } } }), async () => undefined);
    expect(forgetFolders).toHaveBeenCalledTimes(1);
    const reads = middlewareOf('GET', '/folders', limitedOn(READ));
    await reads.middleware(context(), async () => undefined);
    expect(reads.forgetFolders).not.toHaveBeenCalled();
  });
});
