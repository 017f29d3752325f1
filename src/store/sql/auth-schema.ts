/** The tables of `--auth` (migration 0006), as Kysely sees them. */
import type { Generated } from 'kysely';

export interface AuthUsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  is_admin: number;
}

export interface AuthGrantsTable {
  user_id: number;
  resource_type: string;
  resource_id: string;
  permission: string;
}

export interface AuthTokensTable {
  token_id: string;
  user_id: number;
  name: string;
  token_hash: string;
  created_at: number;
  expires_at: number | null;
}

export interface AuthTables {
  auth_users: AuthUsersTable;
  auth_grants: AuthGrantsTable;
  auth_tokens: AuthTokensTable;
}
