/** How the provisioning log's codes read on the pages (the Provisioning log, a person's recent entries, the status panel). */
import * as React from 'react';
import en from '../translations/en.json';
import { useT, type MessageKey } from './ui';

/**
 * Labels of logged operations, resource types, methods and outcomes (`log.operation.patchUser` → "Update user"). A value
 * without a label (an entry from an older version) is shown as logged rather than as a missing message id.
 */
export function useLogLabels() {
  const t = useT();
  return React.useMemo(() => {
    const label = (prefix: string, value: string) => {
      const key = `${prefix}.${value}`;
      return Object.prototype.hasOwnProperty.call(en, key) ? t(key as MessageKey) : value;
    };
    return {
      operation: (value: string) => label('log.operation', value),
      type: (value: string) => label('log.type', value),
      method: (value: string) => label('log.method', value),
      outcome: (value: string) => label('log.outcome', value),
    };
  }, [t]);
}
