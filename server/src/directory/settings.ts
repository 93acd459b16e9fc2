/** Run-time settings (today: the mapping rules) with optimistic concurrency through a version number. */
import { UID } from '../content-types';
import type { Strapi } from '../strapi/types';

export interface SettingRecord<Value> {
  key: string;
  value: Value;
  version: number;
  updatedAt: string;
}

export class StaleSettingError extends Error {
  constructor(readonly key: string, readonly currentVersion: number) {
    super(`setting ${key} changed meanwhile (now version ${currentVersion})`);
  }
}

export function createSettingRepository(strapi: Strapi) {
  const settings = () => strapi.db.query(UID.setting);

  return {
    get: <Value>(key: string) =>
      settings().findOne({ where: { key }, select: ['key', 'value', 'version', 'updatedAt'] }) as Promise<SettingRecord<Value> | null>,

    /**
     * Writes a setting when its version is still `expectedVersion` (0 for "does not exist yet"); otherwise
     * throws StaleSettingError, so two admins saving at once cannot silently overwrite each other.
     */
    async put<Value>(key: string, value: Value, expectedVersion: number): Promise<SettingRecord<Value>> {
      const current = (await settings().findOne({ where: { key }, select: ['id', 'version'] })) as { id: number; version: number } | null;
      if ((current?.version ?? 0) !== expectedVersion) throw new StaleSettingError(key, current?.version ?? 0);
      if (!current) {
        return (await settings().create({ data: { key, value, version: 1 }, select: ['key', 'value', 'version', 'updatedAt'] })) as SettingRecord<Value>;
      }
      const updated = (await settings().updateMany({
        where: { id: current.id, version: expectedVersion },
        data: { value, version: expectedVersion + 1 },
      })) as { count: number };
      if (updated.count !== 1) throw new StaleSettingError(key, expectedVersion + 1);
      return (await settings().findOne({ where: { key }, select: ['key', 'value', 'version', 'updatedAt'] })) as SettingRecord<Value>;
    },
  };
}

export type SettingRepository = ReturnType<typeof createSettingRepository>;
