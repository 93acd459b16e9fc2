/**
 * Media Library folders from identity attributes: an editor whose `folders` (Entra's multi-valued custom
 * extension attribute) say `Marketing` sees in the Media Library only the files of Marketing and its
 * sub-folders, through the plugin's "File is in one of my folders" condition on the upload actions.
 *
 * Strapi applies that condition to files only; the plugin's route middleware (access/media-library-scope)
 * scopes what Strapi does not: the folder tree and listings, folder creation and editing, bulk delete and
 * bulk move, the destination folder of uploads, and moves made by editing a file's details. People whose
 * grant is not limited by the condition (Super Admins, unconditioned roles) must see no difference.
 */
import { bootApp, type TestApp } from './helpers/app';
import { request, scimClient, type Reply } from './helpers/http';
import { adminUserByEmail, createSuperAdmin, login } from './helpers/admin';

const CONDITION = 'plugin::identity-bridge.in-my-folders';
const UPLOAD_ACTIONS = ['plugin::upload.read', 'plugin::upload.assets.update', 'plugin::upload.assets.create'];
const FOLDERS_EXTENSION = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName';

interface Folder {
  id: number;
  path: string;
}
interface TreeNode {
  name: string;
  children: TreeNode[];
}

let app: TestApp;
let ownerToken: string;
let editorToken: string;
let pressToken: string;
let readerToken: string;
const folders = {} as Record<'Marketing' | 'Campaigns' | 'HR' | 'Company' | 'Press' | 'Legal', Folder>;

const adminApi = (method: string, path: string, token: string, body?: unknown) =>
  request(method, `${app.origin}${path}`, body, { headers: { authorization: `Bearer ${token}` }, contentType: 'application/json' });

async function folder(name: string, parent: Folder | null): Promise<Folder> {
  return app.strapi.plugin('upload').service('folder').create({ name, parent: parent?.id ?? null });
}

async function file(name: string, inFolder: Folder | null): Promise<{ id: number }> {
  return app.strapi.db.query('plugin::upload.file').create({
    data: {
      name, hash: name.replace(/\W/g, '_'), ext: '.png', mime: 'image/png', size: 1, url: `/uploads/${name}`, provider: 'local',
      folder: inFolder?.id ?? null, folderPath: inFolder?.path ?? '/',
    },
  });
}

/** A valid 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/**
 * A multipart request as the Media Library sends it: one `files` part per name, and `fileInfo` parts
 * (each a JSON string, or sent as given when already a string).
 */
async function multipart(path: string, token: string, fileNames: string[], fileInfo: unknown[] = []): Promise<Reply> {
  const form = new FormData();
  for (const name of fileNames) form.append('files', new Blob([PNG], { type: 'image/png' }), name);
  for (const info of fileInfo) form.append('fileInfo', typeof info === 'string' ? info : JSON.stringify(info));
  const response = await fetch(`${app.origin}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const text = await response.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

const fileCount = (): Promise<number> => app.strapi.db.query('plugin::upload.file').count();
const fileNamed = (name: string) => app.strapi.db.query('plugin::upload.file').findOne({ where: { name }, populate: ['folder'] });
const folderNamed = (name: string) => app.strapi.db.query('plugin::upload.folder').findOne({ where: { name } });

/** The tree as names only, so a test states exactly which folders a person sees. */
const namesOf = (nodes: { name: string; children?: unknown[] }[]): TreeNode[] =>
  nodes.map((node) => ({ name: node.name, children: namesOf((node.children ?? []) as { name: string }[]) }));
const sortedNames = (reply: Reply) => (reply.body.data as { name: string }[]).map((entry) => entry.name).sort();

/** Strapi's admin error shape, naming nothing outside the person's folders. */
function expectForbidden(reply: Reply) {
  expect(reply.status).toBe(403);
  expect(reply.body).toMatchObject({ data: null, error: { status: 403, name: 'ForbiddenError' } });
  // The plugin's refusal, not one of Strapi's (which would mean the request never reached the scope check).
  expect(reply.body.error.message).toMatch(/inside your Media Library folders/);
  expect(reply.text).not.toMatch(/HR|payroll/);
}

/**
 * Strapi 5.24 (the oldest minor the plugin supports) has fewer upload admin routes than the newest: no
 * `POST /upload/files`, `PUT /upload/files/:id`, `POST /upload/files/:id/replace`,
 * `/upload/actions/upload-from-urls` nor `/upload/actions/bulk-update`. Where Strapi lacks a route there is
 * nothing to scope: the request reaches no handler (404/405) and changes nothing, which the tests then check.
 */
const hasUploadRoute = (method: string, path: string): boolean =>
  (app.strapi.plugin('upload').routes.admin.routes as { method: string; path: string }[]).some(
    (route) => route.method.toUpperCase() === method && route.path === path
  );

/** Refused by the plugin (403) where Strapi has the route, else answered by no handler at all. */
function expectForbiddenOrAbsent(reply: Reply, method: string, path: string) {
  if (hasUploadRoute(method, path)) expectForbidden(reply);
  else expect([404, 405]).toContain(reply.status);
}

/** Edits a file's details through `PUT /upload/files/:id`, or Strapi's multiplexer `POST /upload?id=` (5.24). */
const editFile = (id: number, token: string, fileInfo: Record<string, unknown>) =>
  hasUploadRoute('PUT', '/files/:id')
    ? adminApi('PUT', `/upload/files/${id}`, token, { fileInfo })
    : adminApi('POST', `/upload?id=${id}`, token, { fileInfo });

/**
 * Whether this Strapi takes several files with a `fileInfo` array in one admin upload: 5.24's controller
 * validates `fileInfo` as one object and answers 400 to everyone. Probed as the Super Admin, whom the plugin
 * never limits.
 */
async function takesSeveralFiles(): Promise<boolean> {
  const probe = await multipart('/upload', ownerToken, ['probe-a.png', 'probe-b.png'], [{ name: 'probe-a.png', folder: null }, { name: 'probe-b.png', folder: null }]);
  if (probe.status !== 201) expect(probe.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
  return probe.status === 201;
}

/** A SCIM-provisioned editor with the given folder values, logged in. */
async function provisionEditor(email: string, folderValues: string[]): Promise<string> {
  const created = await scimClient(app.scimUrl, app.scimToken).post('/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: email,
    emails: [{ value: email, primary: true }],
    active: true,
    [FOLDERS_EXTENSION]: { folders: folderValues.map((value) => ({ value })) },
  });
  expect(created.status).toBe(201);
  const admin = await adminUserByEmail(app, email);
  await app.strapi.service('admin::user').updateById(admin.id, { password: 'Media-Passw0rd!' });
  return login(app, email, 'Media-Passw0rd!');
}

async function createRole(name: string, code: string, conditions: string[]) {
  const role = await app.strapi.service('admin::role').create({ name, code, description: '' });
  await app.strapi.service('admin::role').assignPermissions(
    role.id,
    UPLOAD_ACTIONS.map((action) => ({ action, subject: null, properties: {}, conditions }))
  );
  return role;
}

beforeAll(async () => {
  app = await bootApp();
  ownerToken = await createSuperAdmin(app);
  folders.Marketing = await folder('Marketing', null);
  folders.Campaigns = await folder('Campaigns', folders.Marketing);
  folders.HR = await folder('HR', null);
  folders.Company = await folder('Company', null);
  folders.Press = await folder('Press', folders.Company);
  folders.Legal = await folder('Legal', folders.Company);
  await file('brand.png', folders.Marketing);
  await file('spring.png', folders.Campaigns);
  await file('payroll.png', folders.HR);
  await file('root.png', null);
  await file('company.png', folders.Company);
  await file('release.png', folders.Press);
  await file('contract.png', folders.Legal);

  await createRole('Media editor', 'media-editor', [CONDITION]);
  const saved = await adminApi('PUT', '/identity-bridge/mapping', ownerToken, {
    attributes: [{ key: 'folders', scimPath: `${FOLDERS_EXTENSION}:folders`, multiValued: true }],
    policy: { roleRules: [{ id: 'media', when: [{ source: { type: 'attribute', key: 'folders' }, op: 'present' }], roles: ['media-editor'] }], unmatched: { action: 'deactivate' }, allowSuperAdmin: false, foldersAttribute: 'folders' },
    expectedVersion: 0,
  });
  expect(saved.status).toBe(200);
  editorToken = await provisionEditor('media@example.com', ['Marketing', 'Nonexistent']);
  // Lower-cased values: they must name the existing "Marketing" and "Company/Press".
  pressToken = await provisionEditor('press@example.com', ['marketing', 'company/press']);

  // Not provisioned, so no identity: an ordinary Media Library role without conditions.
  const readerRole = await createRole('Media reader', 'media-reader', []);
  await app.strapi.service('admin::user').create({
    email: 'reader@example.com', password: 'Reader-Passw0rd!', firstname: 'Reader', lastname: 'Example',
    isActive: true, registrationToken: null, roles: [readerRole.id],
  });
  readerToken = await login(app, 'reader@example.com', 'Reader-Passw0rd!');
});
afterAll(async () => app?.close());

describe('the "File is in one of my folders" condition', () => {
  test('limits the Media Library file listing to the person\'s folders and their sub-folders', async () => {
    const reply = await adminApi('GET', '/upload/files?pageSize=100', editorToken);
    expect(reply.status).toBe(200);
    expect(reply.body.results.map((entry: { name: string }) => entry.name).sort()).toEqual(['brand.png', 'spring.png']);
    const all = await adminApi('GET', '/upload/files?pageSize=100', ownerToken);
    expect(all.body.results).toHaveLength(7);
  });

  test('a single file outside the folders is refused', async () => {
    const payroll = await fileNamed('payroll.png');
    const reply = await adminApi('GET', `/upload/files/${payroll.id}`, editorToken);
    expect([403, 404]).toContain(reply.status);
  });

  test('folder values match folder names ignoring case, sub-folders by their full path', async () => {
    const reply = await adminApi('GET', '/upload/files?pageSize=100', pressToken);
    expect(reply.status).toBe(200);
    expect(reply.body.results.map((entry: { name: string }) => entry.name).sort()).toEqual(['brand.png', 'release.png', 'spring.png']);
  });
});

describe('folder tree and folder listings of a person limited to their folders', () => {
  test('the folder tree shows only their folders', async () => {
    const reply = await adminApi('GET', '/upload/folder-structure', editorToken);
    expect(reply.status).toBe(200);
    expect(namesOf(reply.body.data)).toEqual([{ name: 'Marketing', children: [{ name: 'Campaigns', children: [] }] }]);
  });

  test('an ancestor of their folder is shown (to navigate to it), its other sub-folders are not', async () => {
    const reply = await adminApi('GET', '/upload/folder-structure', pressToken);
    expect(reply.status).toBe(200);
    expect(namesOf(reply.body.data)).toEqual([
      { name: 'Company', children: [{ name: 'Press', children: [] }] },
      { name: 'Marketing', children: [{ name: 'Campaigns', children: [] }] },
    ]);
    const listed = await adminApi('GET', '/upload/folders', pressToken);
    expect(sortedNames(listed)).toEqual(['Campaigns', 'Company', 'Marketing', 'Press']);
  });

  test('the folder listing shows only their folders', async () => {
    const reply = await adminApi('GET', '/upload/folders', editorToken);
    expect(reply.status).toBe(200);
    expect(sortedNames(reply)).toEqual(['Campaigns', 'Marketing']);
    const company = await adminApi('GET', `/upload/folders?filters[id]=${folders.Company.id}&populate[children]=true&populate[files]=true`, pressToken);
    expect(company.body.data).toHaveLength(1);
    expect(company.body.data[0].children.map((child: { name: string }) => child.name)).toEqual(['Press']);
    expect(company.body.data[0].files).toEqual([]);
    const asOwner = await adminApi('GET', `/upload/folders?filters[id]=${folders.Company.id}&populate[children]=true&populate[files]=true`, ownerToken);
    expect(asOwner.body.data[0].children).toHaveLength(2);
    expect(asOwner.body.data[0].files).toHaveLength(1);
  });

  test('a folder outside them answers as a missing folder; their own folder answers', async () => {
    const hidden = await adminApi('GET', `/upload/folders/${folders.HR.id}`, editorToken);
    expect(hidden.status).toBe(404);
    expect(hidden.text).not.toContain('HR');
    const missing = await adminApi('GET', '/upload/folders/999999', ownerToken);
    expect(missing.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    const own = await adminApi('GET', `/upload/folders/${folders.Campaigns.id}`, editorToken);
    expect(own.status).toBe(200);
    expect(own.body.data.name).toBe('Campaigns');
  });
});

describe('bulk delete by a person limited to their folders', () => {
  test('refuses a file outside their folders, and deletes nothing', async () => {
    const payroll = await fileNamed('payroll.png');
    expectForbidden(await adminApi('POST', '/upload/actions/bulk-delete', editorToken, { fileIds: [payroll.id], folderIds: [] }));
    expect(await fileNamed('payroll.png')).not.toBeNull();
  });

  test('refuses a folder outside their folders, and deletes nothing', async () => {
    expectForbidden(await adminApi('POST', '/upload/actions/bulk-delete', editorToken, { fileIds: [], folderIds: [folders.HR.id] }));
    expect(await folderNamed('HR')).not.toBeNull();
    expect(await fileNamed('payroll.png')).not.toBeNull();
  });

  test('refuses a mix of an allowed and a forbidden file, and deletes neither', async () => {
    const brand = await fileNamed('brand.png');
    const payroll = await fileNamed('payroll.png');
    expectForbidden(await adminApi('POST', '/upload/actions/bulk-delete', editorToken, { fileIds: [brand.id, payroll.id] }));
    expect(await fileNamed('brand.png')).not.toBeNull();
    expect(await fileNamed('payroll.png')).not.toBeNull();
  });

  test('refuses a folder shown only as an ancestor', async () => {
    expectForbidden(await adminApi('POST', '/upload/actions/bulk-delete', pressToken, { folderIds: [folders.Company.id] }));
    expect(await folderNamed('Legal')).not.toBeNull();
  });

  test('deletes a file inside their folders', async () => {
    const draft = await file('draft.png', folders.Campaigns);
    const reply = await adminApi('POST', '/upload/actions/bulk-delete', editorToken, { fileIds: [draft.id] });
    expect(reply.status).toBe(200);
    expect(await fileNamed('draft.png')).toBeNull();
  });
});

describe('bulk move by a person limited to their folders', () => {
  let moved: { id: number };
  beforeAll(async () => {
    moved = await file('move-me.png', folders.Marketing);
  });

  test('refuses moving an allowed file into a folder outside, or to the root', async () => {
    expectForbidden(await adminApi('POST', '/upload/actions/bulk-move', editorToken, { fileIds: [moved.id], destinationFolderId: folders.HR.id }));
    expectForbidden(await adminApi('POST', '/upload/actions/bulk-move', editorToken, { fileIds: [moved.id], destinationFolderId: null }));
    const unchanged = await fileNamed('move-me.png');
    expect(unchanged.folderPath).toBe(folders.Marketing.path);
    expect(unchanged.folder.id).toBe(folders.Marketing.id);
  });

  test('refuses moving a folder outside their folders into one of theirs', async () => {
    expectForbidden(await adminApi('POST', '/upload/actions/bulk-move', editorToken, { folderIds: [folders.HR.id], destinationFolderId: folders.Marketing.id }));
    expect((await folderNamed('HR')).path).toBe(folders.HR.path);
  });

  test('moves a file from Marketing into Campaigns', async () => {
    const reply = await adminApi('POST', '/upload/actions/bulk-move', editorToken, { fileIds: [moved.id], folderIds: [], destinationFolderId: folders.Campaigns.id });
    expect(reply.status).toBe(200);
    const after = await fileNamed('move-me.png');
    expect(after.folderPath).toBe(folders.Campaigns.path);
    expect(after.folder.id).toBe(folders.Campaigns.id);
  });
});

describe('folder creation and editing by a person limited to their folders', () => {
  test('cannot create a folder under a folder outside, nor at the root', async () => {
    expectForbidden(await adminApi('POST', '/upload/folders', editorToken, { name: 'Payslips', parent: folders.HR.id }));
    expectForbidden(await adminApi('POST', '/upload/folders', editorToken, { name: 'Top level', parent: null }));
    expectForbidden(await adminApi('POST', '/upload/folders', editorToken, { name: 'No parent given' }));
    expect(await folderNamed('Payslips')).toBeNull();
    expect(await folderNamed('Top level')).toBeNull();
    expect(await folderNamed('No parent given')).toBeNull();
  });

  test('creates a folder under their folder, and sees it at once', async () => {
    const reply = await adminApi('POST', '/upload/folders', editorToken, { name: 'Launch', parent: folders.Marketing.id });
    expect(reply.status).toBe(201);
    expect((await folderNamed('Launch')).path).toMatch(new RegExp(`^${folders.Marketing.path}/\\d+$`));
    const tree = await adminApi('GET', '/upload/folder-structure', editorToken);
    expect(namesOf(tree.body.data)).toEqual([
      { name: 'Marketing', children: [{ name: 'Campaigns', children: [] }, { name: 'Launch', children: [] }] },
    ]);
  });

  test('cannot rename a folder outside, nor move their folder out of their folders', async () => {
    expectForbidden(await adminApi('PUT', `/upload/folders/${folders.HR.id}`, editorToken, { name: 'HR archive' }));
    expectForbidden(await adminApi('PUT', `/upload/folders/${folders.Campaigns.id}`, editorToken, { parent: folders.HR.id }));
    expectForbidden(await adminApi('PUT', `/upload/folders/${folders.Campaigns.id}`, editorToken, { name: 'Campaigns', parent: null }));
    expect(await folderNamed('HR archive')).toBeNull();
    expect((await folderNamed('Campaigns')).path).toBe(folders.Campaigns.path);
  });

  test('renames their folder', async () => {
    const launch = await folderNamed('Launch');
    const reply = await adminApi('PUT', `/upload/folders/${launch.id}`, editorToken, { name: 'Launch 2026' });
    expect(reply.status).toBe(200);
    expect(await folderNamed('Launch 2026')).not.toBeNull();
  });
});

describe('uploads by a person limited to their folders', () => {
  test('uploads a file into their folder (multipart body read before Strapi runs)', async () => {
    const reply = await multipart('/upload', editorToken, ['upload-ok.png'], [{ name: 'upload-ok.png', folder: folders.Marketing.id }]);
    expect(reply.status).toBe(201);
    const created = await fileNamed('upload-ok.png');
    expect(created.folder.id).toBe(folders.Marketing.id);
    expect(created.folderPath).toBe(folders.Marketing.path);
  });

  test('refuses an upload into a folder outside, to the root, or without a destination, and creates no file', async () => {
    const before = await fileCount();
    expectForbidden(await multipart('/upload', editorToken, ['upload-hr.png'], [{ name: 'upload-hr.png', folder: folders.HR.id }]));
    expectForbidden(await multipart('/upload', editorToken, ['upload-root.png'], [{ name: 'upload-root.png', folder: null }]));
    expectForbidden(await multipart('/upload', editorToken, ['upload-nowhere.png']));
    // The press editor sees Company (to reach Press), but it is not theirs.
    expectForbidden(await multipart('/upload', pressToken, ['upload-company.png'], [{ name: 'upload-company.png', folder: folders.Company.id }]));
    expect(await fileCount()).toBe(before);
    expect(await fileNamed('upload-hr.png')).toBeNull();
    expect(await fileNamed('upload-root.png')).toBeNull();
  });

  test('refuses a multi-file upload if any file goes outside, or has no fileInfo (the root), and creates none', async () => {
    const several = await takesSeveralFiles();
    const before = await fileCount();
    const mixed = [{ name: 'multi-a.png', folder: folders.Marketing.id }, { name: 'multi-b.png', folder: folders.HR.id }];
    expectForbidden(await multipart('/upload', editorToken, ['multi-a.png', 'multi-b.png'], mixed));
    expectForbidden(await multipart('/upload', editorToken, ['multi-a.png', 'multi-b.png'], [mixed[0]]));
    expect(await fileCount()).toBe(before);
    const inside = [{ name: 'multi-a.png', folder: folders.Marketing.id }, { name: 'multi-b.png', folder: String(folders.Campaigns.id) }];
    const reply = await multipart('/upload', editorToken, ['multi-a.png', 'multi-b.png'], inside);
    if (!several) {
      // Strapi 5.24 refuses it itself, as it does for the Super Admin: the plugin let it through.
      expect(reply.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
      expect(await fileCount()).toBe(before);
      return;
    }
    expect(reply.status).toBe(201);
    expect((await fileNamed('multi-b.png')).folder.id).toBe(folders.Campaigns.id);
    expect(await fileCount()).toBe(before + 2);
  });

  test('POST /upload/files: into their folder, not outside', async () => {
    const before = await fileCount();
    expectForbiddenOrAbsent(await multipart('/upload/files', editorToken, ['single-hr.png'], [{ name: 'single-hr.png', folder: folders.HR.id }]), 'POST', '/files');
    expectForbiddenOrAbsent(await multipart('/upload/files', editorToken, ['single-root.png']), 'POST', '/files');
    expect(await fileCount()).toBe(before);
    if (!hasUploadRoute('POST', '/files')) return;
    const reply = await multipart('/upload/files', editorToken, ['single-ok.png'], [{ name: 'single-ok.png', folder: folders.Campaigns.id }]);
    expect(reply.status).toBe(201);
    expect((await fileNamed('single-ok.png')).folder.id).toBe(folders.Campaigns.id);
  });

  test('upload from URLs: refused outside or at the root before anything is fetched; their folder starts the stream', async () => {
    const urls = ['http://127.0.0.1:9/picture.png'];
    const route = ['POST', '/actions/upload-from-urls'] as const;
    expectForbiddenOrAbsent(await adminApi('POST', '/upload/actions/upload-from-urls', editorToken, { urls, folderId: folders.HR.id }), ...route);
    expectForbiddenOrAbsent(await adminApi('POST', '/upload/actions/upload-from-urls', editorToken, { urls }), ...route);
    if (!hasUploadRoute(...route)) return;
    // Inside: Strapi answers with its event stream (the private address itself is then refused by Strapi).
    const inside = await adminApi('POST', '/upload/actions/upload-from-urls', editorToken, { urls, folderId: folders.Marketing.id });
    expect(inside.status).toBe(200);
    expect(inside.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(inside.text).toContain('stream:complete');
  });
});

describe('moving a file by editing its details, by a person limited to their folders', () => {
  let details: { id: number };
  beforeAll(async () => {
    details = await file('details.png', folders.Marketing);
  });

  test('PUT /upload/files/:id refuses moving their file to a folder outside or to the root; the file stays', async () => {
    expectForbiddenOrAbsent(await adminApi('PUT', `/upload/files/${details.id}`, editorToken, { fileInfo: { folder: folders.HR.id } }), 'PUT', '/files/:id');
    expectForbiddenOrAbsent(await adminApi('PUT', `/upload/files/${details.id}`, editorToken, { fileInfo: { name: 'renamed.png', folder: null } }), 'PUT', '/files/:id');
    const unchanged = await fileNamed('details.png');
    expect(unchanged.folder.id).toBe(folders.Marketing.id);
    expect(unchanged.folderPath).toBe(folders.Marketing.path);
  });

  test('POST /upload?id= (Strapi\'s multiplexer) is checked as an edit: JSON, multipart, and with a replacement file', async () => {
    expectForbidden(await adminApi('POST', `/upload?id=${details.id}`, editorToken, { fileInfo: { folder: folders.HR.id } }));
    expectForbidden(await multipart(`/upload?id=${details.id}`, editorToken, [], [{ folder: folders.HR.id }]));
    expectForbidden(await multipart(`/upload?id=${details.id}`, editorToken, ['details.png'], [{ folder: folders.HR.id }]));
    expectForbiddenOrAbsent(await multipart(`/upload/files/${details.id}/replace`, editorToken, ['details.png'], [{ folder: null }]), 'POST', '/files/:id/replace');
    expect((await fileNamed('details.png')).folder.id).toBe(folders.Marketing.id);
    const kept = await adminApi('POST', `/upload?id=${details.id}`, editorToken, { fileInfo: { caption: 'via multiplexer', folder: folders.Marketing.id } });
    expect(kept.status).toBe(200);
    expect((await fileNamed('details.png')).caption).toBe('via multiplexer');
  });

  test('edits without a folder are untouched; a move into their sub-folder is made', async () => {
    const renamed = await editFile(details.id, editorToken, { caption: 'Spring visual' });
    expect(renamed.status).toBe(200);
    expect((await fileNamed('details.png')).caption).toBe('Spring visual');
    const moved = await editFile(details.id, editorToken, { folder: folders.Campaigns.id });
    expect(moved.status).toBe(200);
    const after = await fileNamed('details.png');
    expect(after.folder.id).toBe(folders.Campaigns.id);
    expect(after.folderPath).toBe(folders.Campaigns.path);
  });

  test('bulk update with one forbidden destination is refused whole; nothing changes', async () => {
    const first = await file('bulk-a.png', folders.Marketing);
    const second = await file('bulk-b.png', folders.Marketing);
    const updates = [
      { id: first.id, fileInfo: { caption: 'changed', folder: folders.Campaigns.id } },
      { id: second.id, fileInfo: { folder: folders.HR.id } },
    ];
    expectForbiddenOrAbsent(await adminApi('POST', '/upload/actions/bulk-update', editorToken, { updates }), 'POST', '/actions/bulk-update');
    for (const name of ['bulk-a.png', 'bulk-b.png']) {
      const unchanged = await fileNamed(name);
      expect(unchanged.folder.id).toBe(folders.Marketing.id);
      expect(unchanged.caption).toBeNull();
    }
    if (!hasUploadRoute('POST', '/actions/bulk-update')) return;
    const allowed = await adminApi('POST', '/upload/actions/bulk-update', editorToken, { updates: [updates[0], { id: second.id, fileInfo: { caption: 'kept here' } }] });
    expect(allowed.status).toBe(200);
    expect((await fileNamed('bulk-a.png')).folder.id).toBe(folders.Campaigns.id);
    expect((await fileNamed('bulk-b.png')).caption).toBe('kept here');
  });
});

describe('people not limited by the condition see no difference', () => {
  const allRootFolders = ['Company', 'HR', 'Marketing'];

  test('a Super Admin sees every folder', async () => {
    const tree = await adminApi('GET', '/upload/folder-structure', ownerToken);
    expect(tree.status).toBe(200);
    expect(namesOf(tree.body.data).map((node) => node.name)).toEqual(allRootFolders);
    const hr = await adminApi('GET', `/upload/folders/${folders.HR.id}`, ownerToken);
    expect(hr.status).toBe(200);
    const listed = await adminApi('GET', '/upload/folders', ownerToken);
    expect(sortedNames(listed)).toEqual(expect.arrayContaining(['Company', 'HR', 'Legal', 'Marketing', 'Press']));
  });

  test('a Super Admin creates at the root, moves to the root and deletes anywhere', async () => {
    const created = await adminApi('POST', '/upload/folders', ownerToken, { name: 'Archive', parent: null });
    expect(created.status).toBe(201);
    const stray = await file('stray.png', folders.HR);
    const moved = await adminApi('POST', '/upload/actions/bulk-move', ownerToken, { fileIds: [stray.id], destinationFolderId: null });
    expect(moved.status).toBe(200);
    expect((await fileNamed('stray.png')).folderPath).toBe('/');
    const deleted = await adminApi('POST', '/upload/actions/bulk-delete', ownerToken, { fileIds: [stray.id], folderIds: [created.body.data.id] });
    expect(deleted.status).toBe(200);
    expect(await fileNamed('stray.png')).toBeNull();
    expect(await folderNamed('Archive')).toBeNull();
  });

  test('a Super Admin uploads to the root and moves a file there by editing it', async () => {
    const uploaded = await multipart('/upload', ownerToken, ['owner-root.png'], [{ name: 'owner-root.png', folder: null }]);
    expect(uploaded.status).toBe(201);
    expect((await fileNamed('owner-root.png')).folderPath).toBe('/');
    const stray = await file('owner-stray.png', folders.HR);
    const moved = await editFile(stray.id, ownerToken, { folder: null });
    expect(moved.status).toBe(200);
    expect((await fileNamed('owner-stray.png')).folderPath).toBe('/');
  });

  test('an editor whose role has the upload actions without conditions uploads and moves anywhere', async () => {
    const uploaded = await multipart('/upload', readerToken, ['reader-hr.png'], [{ name: 'reader-hr.png', folder: folders.HR.id }]);
    expect(uploaded.status).toBe(201);
    expect((await fileNamed('reader-hr.png')).folder.id).toBe(folders.HR.id);
    const created = await fileNamed('reader-hr.png');
    const moved = hasUploadRoute('POST', '/actions/bulk-update')
      ? await adminApi('POST', '/upload/actions/bulk-update', readerToken, { updates: [{ id: created.id, fileInfo: { folder: null } }] })
      : await editFile(created.id, readerToken, { folder: null });
    expect(moved.status).toBe(200);
    expect((await fileNamed('reader-hr.png')).folderPath).toBe('/');
  });

  test('an editor whose role has the upload actions without conditions sees and does everything', async () => {
    const tree = await adminApi('GET', '/upload/folder-structure', readerToken);
    expect(tree.status).toBe(200);
    expect(namesOf(tree.body.data).map((node) => node.name)).toEqual(allRootFolders);
    const listed = await adminApi('GET', '/upload/folders', readerToken);
    expect(sortedNames(listed)).toContain('HR');
    const files = await adminApi('GET', '/upload/files?pageSize=100', readerToken);
    expect(files.body.results.map((entry: { name: string }) => entry.name)).toContain('payroll.png');
    const created = await adminApi('POST', '/upload/folders', readerToken, { name: 'Reader folder', parent: null });
    expect(created.status).toBe(201);
    const spare = await file('spare.png', folders.HR);
    const moved = await adminApi('POST', '/upload/actions/bulk-move', readerToken, { fileIds: [spare.id], destinationFolderId: null });
    expect(moved.status).toBe(200);
    const deleted = await adminApi('POST', '/upload/actions/bulk-delete', readerToken, { fileIds: [spare.id], folderIds: [created.body.data.id] });
    expect(deleted.status).toBe(200);
    expect(await fileNamed('spare.png')).toBeNull();
  });
});
