import type { AccessConditions, FolderRow, GrantedPermission } from '../../../server/src/access/conditions';
import {
  FOLDER_CONDITION,
  allInside,
  ancestorPaths,
  bulkUpdateDestinations,
  fileInfoEntries,
  filterFolderListing,
  filterFolderTree,
  folderIdsIn,
  folderScope,
  idsIn,
  isFolderId,
  isFolderLimited,
  registerMediaLibraryScope,
  updateDestinations,
  uploadDestinations,
  uploadedFileCount,
} from '../../../server/src/access/media-library-scope';
import type { Strapi } from '../../../server/src/strapi/types';

const READ = 'plugin::upload.read';
const UPDATE = 'plugin::upload.assets.update';
const CREATE = 'plugin::upload.assets.create';

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
    // Non-numeric ids are refused without a query: PostgreSQL would answer 500 for 'abc' on an integer column.
    expect(idsIn(['abc'])).toBeNull();
    expect(idsIn([1.5])).toBeNull();
    expect(idsIn([-1])).toBeNull();
  });
});

describe('isFolderId', () => {
  test('integers and their digits only', () => {
    expect([12, 0, '12'].every(isFolderId)).toBe(true);
    expect([null, undefined, '', 'abc', '1 OR 1=1', -1, 1.5, { id: 12 }, [12]].some(isFolderId)).toBe(false);
  });
});

describe('fileInfoEntries', () => {
  test('reads fileInfo as Strapi does: an object, a JSON string, or a list of either', () => {
    expect(fileInfoEntries(undefined)).toEqual([]);
    expect(fileInfoEntries(null)).toEqual([]);
    expect(fileInfoEntries({ folder: 12 })).toEqual([{ folder: 12 }]);
    expect(fileInfoEntries('{"folder":12}')).toEqual([{ folder: 12 }]);
    expect(fileInfoEntries(['{"folder":12}', { folder: 13 }])).toEqual([{ folder: 12 }, { folder: 13 }]);
    expect(fileInfoEntries('[{"folder":12},{"folder":null}]')).toEqual([{ folder: 12 }, { folder: null }]);
  });

  test('anything it cannot read is null', () => {
    expect(fileInfoEntries('not json')).toBeNull();
    expect(fileInfoEntries('')).toBeNull();
    expect(fileInfoEntries('12')).toBeNull();
    expect(fileInfoEntries(12)).toBeNull();
    expect(fileInfoEntries([{ folder: 12 }, 'oops'])).toBeNull();
    expect(fileInfoEntries('["{\\"folder\\":12}"]')).toBeNull();
  });
});

describe('uploadDestinations', () => {
  test('one folder per entry; a missing or null folder, and every file beyond the entries, is the root', () => {
    expect(uploadDestinations({ folder: 12 }, 1)).toEqual([12]);
    expect(uploadDestinations([{ folder: 12 }, { name: 'b.png' }], 2)).toEqual([12, null]);
    expect(uploadDestinations([{ folder: 12 }], 3)).toEqual([12, null, null]);
    expect(uploadDestinations(undefined, 1)).toEqual([null]);
    expect(uploadDestinations({ folder: null }, 1)).toEqual([null]);
  });

  test('entries beyond the files are kept (all are checked); no files and no entries is nothing', () => {
    expect(uploadDestinations([{ folder: 12 }, { folder: 13 }], 1)).toEqual([12, 13]);
    expect(uploadDestinations(undefined, 0)).toEqual([]);
    expect(uploadDestinations('nope', 1)).toBeNull();
  });
});

describe('updateDestinations and bulkUpdateDestinations', () => {
  test('only a given folder moves a file; null is the root', () => {
    expect(updateDestinations({ name: 'x', caption: 'y' })).toEqual([]);
    expect(updateDestinations(undefined)).toEqual([]);
    expect(updateDestinations({ folder: 12 })).toEqual([12]);
    expect(updateDestinations('{"folder":null}')).toEqual([null]);
    expect(updateDestinations('{oops')).toBeNull();
  });

  test('a bulk update gathers every update\'s destination; an unreadable one is null', () => {
    expect(bulkUpdateDestinations([{ id: 1, fileInfo: { folder: 12 } }, { id: 2, fileInfo: { caption: 'c' } }, { id: 3, fileInfo: { folder: 13 } }])).toEqual([12, 13]);
    expect(bulkUpdateDestinations([])).toEqual([]);
    expect(bulkUpdateDestinations(undefined)).toBeNull();
    expect(bulkUpdateDestinations({ id: 1, fileInfo: { folder: 12 } })).toBeNull();
    expect(bulkUpdateDestinations([{ id: 1, fileInfo: 'oops' }])).toBeNull();
    expect(bulkUpdateDestinations([7])).toBeNull();
  });
});

describe('uploadedFileCount', () => {
  test('counts the multipart `files` field', () => {
    expect(uploadedFileCount(undefined)).toBe(0);
    expect(uploadedFileCount({})).toBe(0);
    expect(uploadedFileCount({ files: { size: 1 } })).toBe(1);
    expect(uploadedFileCount({ files: [{ size: 1 }, { size: 2 }] })).toBe(2);
    expect(uploadedFileCount({ other: { size: 1 } })).toBe(0);
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
  ['POST', '/'],
  ['POST', '/files'],
  ['POST', '/actions/upload-from-urls'],
  ['PUT', '/files/:id'],
  ['POST', '/files/:id/replace'],
  ['POST', '/actions/bulk-update'],
  // Not scoped (Strapi applies the condition there): must be left as it is.
  ['GET', '/files'],
];
const UNSCOPED = ROUTE_PATHS.length - 1;

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
  query: Record<string, unknown>;
  request: { body?: unknown; files?: unknown };
  body: unknown;
  status: number;
  forbidden: jest.Mock;
  notFound: jest.Mock;
}
const context = (init: Partial<FakeContext> = {}): FakeContext => ({
  state: { user: { id: 7 } },
  params: {},
  query: {},
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
    expect(scoped.slice(0, UNSCOPED).map((route) => route.config.middlewares?.length)).toEqual([2, ...Array(UNSCOPED - 1).fill(1)]);
    expect(scoped[0]!.config.middlewares![0]).toBe(existing);
    expect(scoped[UNSCOPED]).toBe(routes[UNSCOPED]);
    expect(scoped[UNSCOPED]!.config.middlewares).toBeUndefined();
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

  /** Whether the middleware let Strapi run (and refused otherwise). */
  async function passes(middleware: Middleware, init: Partial<FakeContext>): Promise<boolean> {
    const ctx = context(init);
    const next = jest.fn(async () => undefined);
    await middleware(ctx, next);
    expect(next.mock.calls.length + ctx.forbidden.mock.calls.length).toBe(1);
    return next.mock.calls.length === 1;
  }

  test('an upload needs every file to go to an allowed folder; the root never is', async () => {
    const { middleware } = middlewareOf('POST', '/', limitedOn(CREATE));
    const one = { files: { size: 1 } };
    const two = { files: [{ size: 1 }, { size: 1 }] };
    expect(await passes(middleware, { request: { body: { fileInfo: '{"folder":12}' }, files: one } })).toBe(true);
    expect(await passes(middleware, { request: { body: { fileInfo: ['{"folder":11}', '{"folder":"15"}'] }, files: two } })).toBe(true);
    expect(await passes(middleware, { request: { body: { fileInfo: '{"folder":13}' }, files: one } })).toBe(false);
    expect(await passes(middleware, { request: { body: { fileInfo: '{"folder":14}' }, files: one } })).toBe(false);
    expect(await passes(middleware, { request: { body: { fileInfo: '{"folder":999}' }, files: one } })).toBe(false);
    expect(await passes(middleware, { request: { body: { fileInfo: '{"folder":null}' }, files: one } })).toBe(false);
    expect(await passes(middleware, { request: { body: {}, files: one } })).toBe(false);
    expect(await passes(middleware, { request: { body: { fileInfo: '{"folder":12}' }, files: two } })).toBe(false);
    expect(await passes(middleware, { request: { body: { fileInfo: ['{"folder":12}', '{"folder":13}'] }, files: two } })).toBe(false);
    expect(await passes(middleware, { request: { body: { fileInfo: '{"folder":"abc"}' }, files: one } })).toBe(false);
    // No files: nothing is written; Strapi answers that the files are empty.
    expect(await passes(middleware, { request: { body: {} } })).toBe(true);
  });

  test('POST /upload?id= is an edit: checked against the update action, only a given folder counts', async () => {
    const limitedEdits = middlewareOf('POST', '/', limitedOn(UPDATE)).middleware;
    expect(await passes(limitedEdits, { query: { id: '1' }, request: { body: { fileInfo: { caption: 'c' } } } })).toBe(true);
    expect(await passes(limitedEdits, { query: { id: '1' }, request: { body: { fileInfo: { folder: 12 } } } })).toBe(true);
    expect(await passes(limitedEdits, { query: { id: '1' }, request: { body: { fileInfo: { folder: 13 } } } })).toBe(false);
    expect(await passes(limitedEdits, { query: { id: '1' }, request: { body: { fileInfo: '{"folder":null}' }, files: { files: { size: 1 } } } })).toBe(false);
    // The same person's upload is not limited (their create grant has no condition here).
    expect(await passes(limitedEdits, { request: { body: { fileInfo: '{"folder":13}' }, files: { files: { size: 1 } } } })).toBe(true);
    const limitedUploads = middlewareOf('POST', '/', limitedOn(CREATE)).middleware;
    expect(await passes(limitedUploads, { query: { id: '1' }, request: { body: { fileInfo: { folder: 13 } } } })).toBe(true);
  });

  test('POST /upload/files and upload from URLs', async () => {
    const single = middlewareOf('POST', '/files', limitedOn(CREATE)).middleware;
    expect(await passes(single, { request: { body: { fileInfo: '{"folder":12}' }, files: { files: { size: 1 } } } })).toBe(true);
    expect(await passes(single, { request: { body: {}, files: { files: { size: 1 } } } })).toBe(false);
    expect(await passes(single, { request: { body: { fileInfo: '{"folder":13}' }, files: { files: { size: 1 } } } })).toBe(false);
    const fromUrls = middlewareOf('POST', '/actions/upload-from-urls', limitedOn(CREATE)).middleware;
    expect(await passes(fromUrls, { request: { body: { urls: ['https://example.com/a.png'], folderId: 12 } } })).toBe(true);
    expect(await passes(fromUrls, { request: { body: { urls: ['https://example.com/a.png'], folderId: 13 } } })).toBe(false);
    expect(await passes(fromUrls, { request: { body: { urls: ['https://example.com/a.png'] } } })).toBe(false);
  });

  test('editing file details, replacing a file and bulk updates: every given destination must be allowed', async () => {
    for (const path of ['/files/:id', '/files/:id/replace']) {
      const method = path === '/files/:id' ? 'PUT' : 'POST';
      const { middleware } = middlewareOf(method, path, limitedOn(UPDATE));
      expect(await passes(middleware, { params: { id: '1' }, request: { body: { fileInfo: { name: 'n' } } } })).toBe(true);
      expect(await passes(middleware, { params: { id: '1' }, request: { body: { fileInfo: { folder: 15 } } } })).toBe(true);
      expect(await passes(middleware, { params: { id: '1' }, request: { body: { fileInfo: { folder: null } } } })).toBe(false);
      expect(await passes(middleware, { params: { id: '1' }, request: { body: { fileInfo: '{"folder":13}' } } })).toBe(false);
    }
    const bulk = middlewareOf('POST', '/actions/bulk-update', limitedOn(UPDATE)).middleware;
    expect(await passes(bulk, { request: { body: { updates: [{ id: 1, fileInfo: { folder: 12 } }, { id: 2, fileInfo: { caption: 'c' } }] } } })).toBe(true);
    expect(await passes(bulk, { request: { body: { updates: [{ id: 1, fileInfo: { folder: 12 } }, { id: 2, fileInfo: { folder: 13 } }] } } })).toBe(false);
    expect(await passes(bulk, { request: { body: { updates: 'x' } } })).toBe(false);
    const unlimited = middlewareOf('POST', '/actions/bulk-update', [{ action: UPDATE, conditions: [] }]).middleware;
    expect(await passes(unlimited, { request: { body: { updates: [{ id: 2, fileInfo: { folder: null } }] } } })).toBe(true);
  });
});
