/**
 * The slice of Strapi's API the plugin uses, typed narrowly. Strapi's own `Core.Strapi` type is broad and
 * changes between minors; naming what we rely on keeps the dependency visible and mockable.
 */
import type { Core } from '@strapi/strapi';

export type Strapi = Core.Strapi;

export interface AdminRole {
  id: number;
  name: string;
  code: string;
}

export interface AdminUser {
  id: number;
  email: string;
  firstname: string | null;
  lastname: string | null;
  username: string | null;
  isActive: boolean;
  blocked: boolean;
  registrationToken?: string | null;
  roles?: AdminRole[];
}
