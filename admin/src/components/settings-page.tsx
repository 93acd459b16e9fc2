/**
 * What every Identity bridge settings page shares: the read-permission gate (Strapi's "no permission" page
 * otherwise), the update right the page's actions need, and the layout — title (also the document title),
 * subtitle, header actions, and the "you can only look" notice when the right is missing.
 */
import * as React from 'react';
import { Flex } from '@strapi/design-system';
import { Layouts, Page, useRBAC } from '@strapi/strapi/admin';
import { PERMISSIONS } from '../permissions';
import { Notice, useT } from './ui';

export interface SettingsRights {
  /** The plugin's update permission: actions are disabled (or hidden) without it. */
  canUpdate: boolean;
  /** True while the rights are being checked (say nothing about them yet). */
  rbacLoading: boolean;
}

/** The update right of the signed-in admin, as the pages check it. */
export function useSettingsRights(): SettingsRights {
  const { allowedActions, isLoading } = useRBAC({ update: PERMISSIONS.update });
  return { canUpdate: Boolean(allowedActions.canUpdate), rbacLoading: isLoading };
}

/** A settings page component shown only to admins with the plugin's read permission; `Body` gets the rights. */
export function settingsPage(Body: React.ComponentType<SettingsRights>): () => React.JSX.Element {
  const Rights = () => <Body {...useSettingsRights()} />;
  return function SettingsPageRoute() {
    return (
      <Page.Protect permissions={PERMISSIONS.read}>
        <Rights />
      </Page.Protect>
    );
  };
}

/** The page frame: title, subtitle, header actions, the read-only notice, then the sections (stacked). */
export function SettingsLayout({
  title,
  subtitle,
  primaryAction,
  rights,
  children,
}: {
  title: string;
  subtitle: string;
  primaryAction?: React.ReactNode;
  rights: SettingsRights;
  children: React.ReactNode;
}) {
  const t = useT();
  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header title={title} subtitle={subtitle} primaryAction={primaryAction} />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {!rights.rbacLoading && !rights.canUpdate && <Notice variant="info">{t('common.readOnlyRights')}</Notice>}
          {children}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
}
