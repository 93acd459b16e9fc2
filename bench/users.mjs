/**
 * The benchmark's synthetic users, shared by the load generator (SCIM bodies, filters) and the server's
 * direct seeding (stored rows). User `i` is `user<i>@bench.example.com`, externalId `ext-<i>`.
 */

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** The SCIM POST body of user `i` (what an IdP such as Entra sends). */
export function userBody(i) {
  return {
    schemas: [CORE_USER],
    userName: `user${i}@bench.example.com`,
    externalId: `ext-${i}`,
    active: true,
    displayName: `Given${i} Family${i}`,
    name: { givenName: `Given${i}`, familyName: `Family${i}` },
    title: 'Engineer',
    emails: [{ value: `user${i}@bench.example.com`, type: 'work', primary: true }],
  };
}

/** What the plugin stores in `data` for that body (checked against a SCIM-created row by server.mjs). */
export function storedUserData(i) {
  const { schemas: _schemas, ...data } = userBody(i);
  return data;
}

/** The indexed columns the plugin derives from `data` (server/src/provisioning/users.ts identityColumns). */
export function userColumns(data) {
  const email = data.emails?.find((e) => e.primary)?.value;
  return {
    userName: data.userName,
    userNameLower: data.userName.toLowerCase(),
    externalId: data.externalId ?? null,
    displayNameLower: data.displayName ? data.displayName.toLowerCase() : null,
    emailLower: email ? email.toLowerCase() : null,
    active: data.active !== false,
  };
}

/** User `i`'s Entra object id (the `oid` claim / objectidentifier attribute): a GUID made from `i`. */
export const objectIdOf = (i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
