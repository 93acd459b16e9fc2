/**
 * Media Library folder scoping where Strapi applies no RBAC conditions.
 *
 * Strapi applies the plugin's "File is in one of my folders" condition to the file listing and to single
 * files, but not to the folder tree, the folder listings, folder creation and editing, or bulk delete and
 * bulk move: those check only that the person holds the route's action. Nor does it look at where a file
 * goes: an upload (`fileInfo.folder`) is checked only for holding the create action, and editing a file's
 * details (which may move it) only against the file's current folder. This module adds a route middleware
 * to those upload admin routes. It runs after Strapi's authentication, policies and body parser (multipart
 * fields included), and acts only for people whose permission for the route's action is limited by the
 * condition; for everyone else (Super Admins, unconditioned roles, Strapi's own `is-creator` conditions) it
 * only calls `next()`.
 *
 * For a limited person, "allowed" folders are exactly those the condition allows (their folders and every
 * sub-folder). Changes are checked before anything runs; listings are filtered after Strapi answers.
 */
import { PLUGIN_ID } from '../config';
import type { Strapi } from '../strapi/types';
import { IN_MY_FOLDERS, type AccessConditions, type FolderRow, type GrantedPermission } from './conditions';

export const FOLDER_CONDITION = `plugin::${PLUGIN_ID}.${IN_MY_FOLDERS}`;
const FILE_UID = 'plugin::upload.file';
const FOLDER_UID = 'plugin::upload.folder';
const READ = 'plugin::upload.read';
const CREATE = 'plugin::upload.assets.create';
const UPDATE = 'plugin::upload.assets.update';
/**
 * Refusals use Strapi's own `ctx.forbidden()` / `ctx.notFound()`, which write the admin error shape
 * (`{ data: null, error: { status, name: 'ForbiddenError', message, details } }`) — the same answer Strapi
 * gives when a controller throws `errors.ForbiddenError` on an admin route. Throwing it here would need
 * `@strapi/utils` as a dependency: the plugin build bundles any package it does not list, and a bundled
 * copy's errors fail Strapi's `instanceof` checks (answered as 500).
 */
const OUTSIDE_SCOPE = 'You can only add or change files and folders inside your Media Library folders.';
/** Strapi's answer for a folder that does not exist (admin-folder.findOne). */
const FOLDER_NOT_FOUND = 'folder not found';

// ---------------------------------------------------------------------------------------------------------
// Pure logic
// ---------------------------------------------------------------------------------------------------------

/**
 * Whether the person's grant of `action` is limited by the folder condition: some permission grants it and
 * every one that does carries the condition and no other. Strapi ORs the conditions of a permission and
 * the permissions of a person, so any other condition, or an unconditioned grant, reaches beyond the folders
 * — those people are left to Strapi.
 */
export function isFolderLimited(permissions: readonly GrantedPermission[], action: string): boolean {
  const granting = permissions.filter((permission) => permission.action === action);
  return (
    granting.length > 0 &&
    granting.every((permission) => {
      const conditions = permission.conditions ?? [];
      return conditions.length > 0 && conditions.every((condition) => condition === FOLDER_CONDITION);
    })
  );
}

/**
 * What a limited person may touch (`allowed`, id paths) and see (`visible`): the allowed folders plus their
 * ancestors. Ancestors are shown because the Media Library is navigated from the root down: without them
 * `Marketing/Campaigns` could not be reached. They are shown, not opened: their files and other sub-folders
 * stay hidden, and nothing may be changed in them.
 */
export interface FolderScope {
  allowed: ReadonlySet<string>;
  visible: ReadonlySet<string>;
}

/** `/1/3/7` → `['/1', '/1/3']`. */
export function ancestorPaths(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.slice(0, -1).map((_, index) => `/${ids.slice(0, index + 1).join('/')}`);
}

export function folderScope(allowedPaths: readonly string[] | null): FolderScope {
  const allowed = new Set(allowedPaths ?? []);
  const visible = new Set(allowed);
  for (const path of allowed) for (const ancestor of ancestorPaths(path)) visible.add(ancestor);
  return { allowed, visible };
}

/** Whether every path is an allowed folder. The root (`/`, or a missing path) never is. */
export function allInside(scope: FolderScope, paths: readonly (string | null | undefined)[]): boolean {
  return paths.every((path) => typeof path === 'string' && scope.allowed.has(path));
}

/** Folder ids (as strings, since route params are strings) the person may see and may open. */
export interface FolderIds {
  allowed: ReadonlySet<string>;
  visible: ReadonlySet<string>;
}

export function folderIdsIn(rows: readonly FolderRow[], scope: FolderScope): FolderIds {
  const idsWhere = (paths: ReadonlySet<string>) => new Set(rows.filter((row) => paths.has(row.path)).map((row) => String(row.id)));
  return { allowed: idsWhere(scope.allowed), visible: idsWhere(scope.visible) };
}

type Entry = Record<string, unknown>;
const isEntry = (value: unknown): value is Entry => typeof value === 'object' && value !== null && !Array.isArray(value);
const idOf = (entry: Entry): string | undefined =>
  typeof entry.id === 'number' || typeof entry.id === 'string' ? String(entry.id) : undefined;
const isVisible = (value: unknown, ids: FolderIds): value is Entry => {
  if (!isEntry(value)) return false;
  const id = idOf(value);
  return id !== undefined && ids.visible.has(id);
};

/** The folder tree (`[{ id, name, children }]`) with only visible folders; nothing else is changed. */
export function filterFolderTree(nodes: unknown, ids: FolderIds): unknown {
  if (!Array.isArray(nodes)) return nodes;
  return nodes
    .filter((node) => isVisible(node, ids))
    .map((node: Entry) => (Array.isArray(node.children) ? { ...node, children: filterFolderTree(node.children, ids) } : node));
}

/**
 * One folder of a listing, with populated relations cut to the scope: children to visible folders, and the
 * files of a folder shown only as an ancestor emptied (the listing populates counts, but a query may ask
 * for the relations themselves).
 */
function withinScope(folder: Entry, ids: FolderIds): Entry {
  const result: Entry = { ...folder };
  if (Array.isArray(folder.children)) result.children = folder.children.filter((child) => isVisible(child, ids)).map((child) => withinScope(child, ids));
  if (Array.isArray(folder.files) && !ids.allowed.has(idOf(folder) ?? '')) result.files = [];
  if (isEntry(folder.parent)) result.parent = withinScope(folder.parent, ids);
  return result;
}

/** A folder listing (`data` of `GET /upload/folders`, or one folder) cut to the visible folders. */
export function filterFolderListing(data: unknown, ids: FolderIds): unknown {
  if (Array.isArray(data)) return data.filter((folder) => isVisible(folder, ids)).map((folder) => withinScope(folder, ids));
  if (isEntry(data)) return isVisible(data, ids) ? withinScope(data, ids) : null;
  return data;
}

export type EntityId = number | string;
/** Strapi's ids are integers (sent as numbers or digits); anything else is refused without a query. */
const isEntityId = (value: unknown): value is EntityId => isFolderId(value);

/** The ids of a body field: absent → none; anything but a list of ids → null (refused: we cannot tell what it touches). */
export function idsIn(value: unknown): EntityId[] | null {
  if (value === undefined) return [];
  return Array.isArray(value) && value.every(isEntityId) ? value : null;
}

/**
 * A folder id Strapi can look up: a non-negative integer, or its digits. Anything else is refused without
 * a query (PostgreSQL would reject `'abc'` for an integer column, answering 500).
 */
export function isFolderId(value: unknown): value is EntityId {
  return (typeof value === 'number' && Number.isInteger(value) && value >= 0) || (typeof value === 'string' && /^\d+$/.test(value));
}

/**
 * The entries of a `fileInfo` body field, read as Strapi reads them: absent → none; a JSON string, an
 * object, or a list of either (a multipart field sent several times is a list). Anything else, or a string
 * that is not JSON for an object or a list of objects, is null (refused: we cannot tell where it goes).
 */
export function fileInfoEntries(value: unknown): Entry[] | null {
  if (value === undefined || value === null) return [];
  const parse = (raw: unknown): unknown => {
    if (typeof raw !== 'string') return raw;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return undefined;
    }
  };
  const parsed = parse(value);
  const items = Array.isArray(parsed) ? (Array.isArray(value) ? parsed.map(parse) : parsed) : [parsed];
  return items.every(isEntry) ? items : null;
}

/**
 * Where an upload of `fileCount` files puts them: one folder value per `fileInfo` entry (`null` or absent
 * = the root), and the root for every file beyond the entries (Strapi gives those an empty `fileInfo`).
 * Null when `fileInfo` cannot be read.
 */
export function uploadDestinations(fileInfo: unknown, fileCount: number): unknown[] | null {
  const entries = fileInfoEntries(fileInfo);
  if (!entries) return null;
  const folders = entries.map((entry) => entry.folder ?? null);
  while (folders.length < fileCount) folders.push(null);
  return folders;
}

/**
 * Where editing a file's details moves it: the folder values that are given (`null` = the root); an entry
 * without `folder` leaves the file where it is. Null when `fileInfo` cannot be read.
 */
export function updateDestinations(fileInfo: unknown): unknown[] | null {
  const entries = fileInfoEntries(fileInfo);
  if (!entries) return null;
  return entries.filter((entry) => entry.folder !== undefined).map((entry) => entry.folder);
}

/** The destinations of a bulk update (`updates: [{ id, fileInfo }]`); null when it cannot be read. */
export function bulkUpdateDestinations(updates: unknown): unknown[] | null {
  if (!Array.isArray(updates)) return null;
  const destinations: unknown[] = [];
  for (const update of updates) {
    if (!isEntry(update)) return null;
    const folders = updateDestinations(update.fileInfo);
    if (!folders) return null;
    destinations.push(...folders);
  }
  return destinations;
}

/** How many files a multipart request carries in its `files` field (`ctx.request.files.files`). */
export function uploadedFileCount(files: unknown): number {
  const value = isEntry(files) ? files.files : undefined;
  if (Array.isArray(value)) return value.length;
  return value === undefined || value === null ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------------------
// The middleware
// ---------------------------------------------------------------------------------------------------------

/** The slice of Strapi's Koa context the middleware uses (Strapi adds `forbidden` and `notFound`). */
interface ScopeContext {
  state: { user?: { id: number } };
  params: Record<string, string | undefined>;
  query?: Record<string, unknown>;
  request: { body?: unknown; files?: unknown };
  body: unknown;
  status: number;
  forbidden(message?: string): void;
  notFound(message?: string): void;
}
type Next = () => Promise<unknown>;
type Middleware = (ctx: ScopeContext, next: Next) => Promise<void>;

interface Lookups {
  folderPaths(ids: readonly EntityId[]): Promise<string[]>;
  filePaths(ids: readonly EntityId[]): Promise<(string | null)[]>;
}

interface Scoped {
  scope: FolderScope;
  ids(): Promise<FolderIds>;
  lookups: Lookups;
}

interface RouteRule {
  method: string;
  path: string;
  /**
   * The action the route's `admin::hasPermissions` policy checks, or (routes without that policy) the one
   * its controller checks, which for `POST /upload` depends on the request.
   */
  action: string | ((ctx: ScopeContext) => string);
  /** Whether the route changes folders (then this instance's cached folder tree is dropped afterwards). */
  changesFolders: boolean;
  enforce(ctx: ScopeContext, next: Next, scoped: Scoped): Promise<void>;
}

const bodyOf = (ctx: ScopeContext): Entry => (isEntry(ctx.request.body) ? ctx.request.body : {});

/** After Strapi answered: replaces `ctx.body.data` by `filter(data)`. */
async function filterAnswer(ctx: ScopeContext, next: Next, filter: (data: unknown) => unknown) {
  await next();
  if (isEntry(ctx.body) && 'data' in ctx.body) ctx.body = { ...ctx.body, data: filter(ctx.body.data) };
}

/** Bulk delete and bulk move: every file and folder named must be inside the folders (ids that match nothing are no-ops for Strapi too). */
async function targetsInside(ctx: ScopeContext, scoped: Scoped): Promise<boolean> {
  const body = bodyOf(ctx);
  const fileIds = idsIn(body.fileIds);
  const folderIds = idsIn(body.folderIds);
  if (!fileIds || !folderIds) return false;
  const [filePaths, folderPaths] = await Promise.all([scoped.lookups.filePaths(fileIds), scoped.lookups.folderPaths(folderIds)]);
  return allInside(scoped.scope, [...filePaths, ...folderPaths]);
}

/** Whether a folder id names an allowed folder (`null` or absent = the root, never allowed). */
async function folderInside(id: unknown, scoped: Scoped): Promise<boolean> {
  return foldersInside([id], scoped);
}

/** Whether every folder value names an existing allowed folder (`null` or absent = the root, never allowed). */
async function foldersInside(values: readonly unknown[] | null, scoped: Scoped): Promise<boolean> {
  if (!values || !values.every(isFolderId)) return false;
  const ids = [...new Set(values.map(String))];
  const paths = await scoped.lookups.folderPaths(ids);
  // One row per id: fewer rows means an id names no folder.
  return paths.length === ids.length && allInside(scoped.scope, paths);
}

/** Refuses unless every destination is an allowed folder (null: unreadable, refused); then lets Strapi run. */
async function destinationsInside(ctx: ScopeContext, next: Next, scoped: Scoped, destinations: unknown[] | null) {
  if (!(await foldersInside(destinations, scoped))) return ctx.forbidden(OUTSIDE_SCOPE);
  await next();
}

/**
 * `POST /upload` without `?id=` uploads new files, with it (Strapi's multiplexer, admin-upload.upload) it
 * edits that file's details, or replaces its content when files are sent: both check the update action.
 */
const isFileEdit = (ctx: ScopeContext) => Boolean(ctx.query?.id);
/** A file's new details: `folder` given (`null` = the root) moves it; absent leaves it where it is. */
const editDestinations = (ctx: ScopeContext) => updateDestinations(bodyOf(ctx).fileInfo);
const newFileDestinations = (ctx: ScopeContext) => uploadDestinations(bodyOf(ctx).fileInfo, uploadedFileCount(ctx.request.files));

/** Editing a file's details may move it: its new folder must be inside the scope. */
const fileEdit = (method: string, path: string): RouteRule => ({
  method,
  path,
  action: UPDATE,
  changesFolders: false,
  async enforce(ctx, next, scoped) {
    await destinationsInside(ctx, next, scoped, editDestinations(ctx));
  },
});

const ROUTE_RULES: readonly RouteRule[] = [
  {
    method: 'GET',
    path: '/folder-structure',
    action: READ,
    changesFolders: false,
    async enforce(ctx, next, scoped) {
      const ids = await scoped.ids();
      await filterAnswer(ctx, next, (tree) => filterFolderTree(tree, ids));
    },
  },
  {
    method: 'GET',
    path: '/folders',
    action: READ,
    changesFolders: false,
    async enforce(ctx, next, scoped) {
      const ids = await scoped.ids();
      await filterAnswer(ctx, next, (data) => filterFolderListing(data, ids));
    },
  },
  {
    method: 'GET',
    path: '/folders/:id',
    action: READ,
    changesFolders: false,
    async enforce(ctx, next, scoped) {
      const ids = await scoped.ids();
      // Answered as Strapi answers a missing folder: a refusal would confirm the folder exists.
      if (!ids.visible.has(ctx.params.id ?? '')) return ctx.notFound(FOLDER_NOT_FOUND);
      await filterAnswer(ctx, next, (data) => filterFolderListing(data, ids));
    },
  },
  {
    method: 'POST',
    path: '/folders',
    action: CREATE,
    changesFolders: true,
    async enforce(ctx, next, scoped) {
      if (!(await folderInside(bodyOf(ctx).parent, scoped))) return ctx.forbidden(OUTSIDE_SCOPE);
      await next();
    },
  },
  {
    method: 'PUT',
    path: '/folders/:id',
    action: UPDATE,
    changesFolders: true,
    async enforce(ctx, next, scoped) {
      const body = bodyOf(ctx);
      if (!(await folderInside(ctx.params.id, scoped))) return ctx.forbidden(OUTSIDE_SCOPE);
      // `parent` absent = a rename; `parent: null` = a move to the root.
      if ('parent' in body && !(await folderInside(body.parent, scoped))) return ctx.forbidden(OUTSIDE_SCOPE);
      await next();
    },
  },
  {
    method: 'POST',
    path: '/actions/bulk-delete',
    action: UPDATE,
    changesFolders: true,
    async enforce(ctx, next, scoped) {
      if (!(await targetsInside(ctx, scoped))) return ctx.forbidden(OUTSIDE_SCOPE);
      await next();
    },
  },
  {
    method: 'POST',
    path: '/actions/bulk-move',
    action: UPDATE,
    changesFolders: true,
    async enforce(ctx, next, scoped) {
      const inside = (await targetsInside(ctx, scoped)) && (await folderInside(bodyOf(ctx).destinationFolderId, scoped));
      if (!inside) return ctx.forbidden(OUTSIDE_SCOPE);
      await next();
    },
  },
  {
    // New files (multipart `files`, `fileInfo` per file), or, with `?id=`, an edit of that file.
    method: 'POST',
    path: '/',
    action: (ctx) => (isFileEdit(ctx) ? UPDATE : CREATE),
    changesFolders: false,
    async enforce(ctx, next, scoped) {
      await destinationsInside(ctx, next, scoped, isFileEdit(ctx) ? editDestinations(ctx) : newFileDestinations(ctx));
    },
  },
  {
    // One new file; Strapi reads only the first `fileInfo` entry, all are checked here.
    method: 'POST',
    path: '/files',
    action: CREATE,
    changesFolders: false,
    async enforce(ctx, next, scoped) {
      await destinationsInside(ctx, next, scoped, uploadDestinations(bodyOf(ctx).fileInfo, Math.min(uploadedFileCount(ctx.request.files), 1)));
    },
  },
  {
    // `{ urls, folderId }`: every fetched file goes to `folderId` (absent = the root).
    method: 'POST',
    path: '/actions/upload-from-urls',
    action: CREATE,
    changesFolders: false,
    async enforce(ctx, next, scoped) {
      await destinationsInside(ctx, next, scoped, [bodyOf(ctx).folderId ?? null]);
    },
  },
  fileEdit('PUT', '/files/:id'),
  // Replacing the content moves the file too when `fileInfo.folder` is sent.
  fileEdit('POST', '/files/:id/replace'),
  {
    method: 'POST',
    path: '/actions/bulk-update',
    action: UPDATE,
    changesFolders: false,
    async enforce(ctx, next, scoped) {
      await destinationsInside(ctx, next, scoped, bulkUpdateDestinations(bodyOf(ctx).updates));
    },
  },
];

function createLookups(strapi: Strapi): Lookups {
  // Read fresh, not from the cached tree: these are the things about to be changed.
  return {
    async folderPaths(ids) {
      if (ids.length === 0) return [];
      const rows = (await strapi.db.query(FOLDER_UID).findMany({ select: ['path'], where: { id: { $in: [...ids] } } })) as { path: string }[];
      return rows.map((row) => row.path);
    },
    async filePaths(ids) {
      if (ids.length === 0) return [];
      const rows = (await strapi.db.query(FILE_UID).findMany({ select: ['folderPath'], where: { id: { $in: [...ids] } } })) as {
        folderPath: string | null;
      }[];
      return rows.map((row) => row.folderPath);
    },
  };
}

/** The person's scope for `action`, or null when their grant of it is not limited by the folder condition. */
async function scopeFor(access: AccessConditions, lookups: Lookups, adminUserId: number, action: string): Promise<Scoped | null> {
  if (!isFolderLimited(await access.permissionsOf(adminUserId), action)) return null;
  // No folders at all (normally refused by Strapi's policy already, the condition being false) = nothing allowed.
  const scope = folderScope(await access.allowedFolderPaths(adminUserId));
  return { scope, lookups, ids: async () => folderIdsIn(await access.folders(), scope) };
}

function createScopeMiddleware(access: AccessConditions, lookups: Lookups, rule: RouteRule): Middleware {
  return async (ctx, next) => {
    try {
      const user = ctx.state.user;
      const action = typeof rule.action === 'function' ? rule.action(ctx) : rule.action;
      const scoped = user ? await scopeFor(access, lookups, user.id, action) : null;
      if (scoped) await rule.enforce(ctx, next, scoped);
      else await next();
    } finally {
      // The folder tree changed (or may have): the condition and the scope must see it now, not in 5 s.
      if (rule.changesFolders) access.forgetFolders();
    }
  };
}

interface UploadRoute {
  method: string;
  path: string;
  config?: { middlewares?: unknown[] } & Record<string, unknown>;
}
interface UploadRouter {
  routes: UploadRoute[];
}

const describeRoute = (rule: RouteRule) => `${rule.method} /upload${rule.path}`;
const isUploadRouter = (value: unknown): value is UploadRouter =>
  isEntry(value) && Array.isArray(value.routes) && value.routes.every((route) => isEntry(route) && typeof route.method === 'string' && typeof route.path === 'string');

/**
 * Adds the scope middleware to the upload plugin's admin routes (call in `register`, before Strapi mounts
 * routes). Does nothing without the upload plugin; a route that is missing (Strapi changed it) is named in a
 * warning, as its scoping is then not enforced.
 *
 * The upload plugin's route definitions are module-level objects shared by every Strapi instance in the
 * process, so this instance gets copies of the routers and routes it changes instead of edits in place.
 */
export function registerMediaLibraryScope(strapi: Strapi, access: AccessConditions): void {
  const upload = strapi.plugin('upload') as unknown as { routes: unknown } | undefined;
  if (!upload) return;
  const routers = isEntry(upload.routes) ? upload.routes : {};
  const admin = isUploadRouter(routers.admin) ? routers.admin : undefined;
  const lookups = createLookups(strapi);
  const scoped = new Set<RouteRule>();
  const routes = (admin?.routes ?? []).map((route) => {
    const rule = ROUTE_RULES.find((candidate) => candidate.method === route.method.toUpperCase() && candidate.path === route.path);
    if (!rule) return route;
    scoped.add(rule);
    const middlewares = [...(route.config?.middlewares ?? []), createScopeMiddleware(access, lookups, rule)];
    return { ...route, config: { ...route.config, middlewares } };
  });
  for (const rule of ROUTE_RULES) {
    if (!scoped.has(rule)) {
      strapi.log.warn(
        `[${PLUGIN_ID}] Media Library folder scoping is NOT enforced on ${describeRoute(rule)}: the upload plugin has no such admin route (Strapi changed it). People limited to their folders may reach other folders there.`
      );
    }
  }
  if (admin) upload.routes = { ...routers, admin: { ...admin, routes } };
}
