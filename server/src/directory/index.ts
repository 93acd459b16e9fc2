import type { Strapi } from '../strapi/types';
import { createDirectoryRepository } from './directories';
import { createEventRepository } from './events';
import { createGroupRepository } from './groups';
import { createIdentityRepository } from './identities';
import { createSettingRepository } from './settings';
import { createDeprovisionRepository } from './deprovisions';
import { createTokenRepository } from './tokens';

export function createDirectoryStore(strapi: Strapi) {
  return {
    directories: createDirectoryRepository(strapi),
    tokens: createTokenRepository(strapi),
    identities: createIdentityRepository(strapi),
    groups: createGroupRepository(strapi),
    events: createEventRepository(strapi),
    settings: createSettingRepository(strapi),
    deprovisions: createDeprovisionRepository(strapi),
  };
}

export type DirectoryStore = ReturnType<typeof createDirectoryStore>;
export * from './database';
export * from './database-errors';
export type { DirectoryRecord } from './directories';
export type { TokenRecord } from './tokens';
export type { IdentityRecord, GroupReference, MappingSnapshot } from './identities';
export type { GroupRecord, MemberRecord, GroupOfIdentity } from './groups';
export type { ProvisioningEvent, EventQuery } from './events';
export { StaleSettingError, type SettingRecord } from './settings';
export type { DeprovisionRecord, DeprovisionKind, DeprovisionCause } from './deprovisions';
