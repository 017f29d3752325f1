/** Users, grants and API tokens in the SQL store (tables of migration 0006). */
import type { Kysely, Selectable } from 'kysely';
import { MlflowError } from '../../common/mlflow-error.js';
import type { AuthStore, Grant, ResourceType, TokenRecord, UserRecord } from '../../auth/auth-store.js';
import { isPermission, type Permission } from '../../auth/permission.js';
import type { AuthUsersTable, AuthTokensTable } from './auth-schema.js';
import type { Database } from './schema.js';
import { writeTransaction } from './write-transaction.js';

export class AuthRepository implements AuthStore {
  constructor(private readonly db: Kysely<Database>) {}

  async countUsers(): Promise<number> {
    const row = await this.db.selectFrom('auth_users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async createUser(username: string, passwordHash: string, isAdmin: boolean): Promise<UserRecord> {
    return writeTransaction(this.db, async (tx) => {
      const existing = await tx.selectFrom('auth_users').select('id').where('username', '=', username).executeTakeFirst();
      if (existing) throw MlflowError.alreadyExists(`User '${username}' already exists`);
      const row = await tx
        .insertInto('auth_users')
        .values({ username, password_hash: passwordHash, is_admin: isAdmin ? 1 : 0 })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    });
  }

  async getUser(username: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('auth_users').selectAll().where('username', '=', username).executeTakeFirst();
    return row && toUser(row);
  }

  async getUserById(id: number): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('auth_users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async updateUser(username: string, change: { passwordHash?: string; isAdmin?: boolean }): Promise<boolean> {
    const values = {
      ...(change.passwordHash !== undefined && { password_hash: change.passwordHash }),
      ...(change.isAdmin !== undefined && { is_admin: change.isAdmin ? 1 : 0 }),
    };
    if (Object.keys(values).length === 0) return (await this.getUser(username)) !== undefined;
    const result = await this.db.updateTable('auth_users').set(values).where('username', '=', username).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deleteUser(username: string): Promise<boolean> {
    const result = await this.db.deleteFrom('auth_users').where('username', '=', username).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async grants(userId: number): Promise<Grant[]> {
    const rows = await this.db.selectFrom('auth_grants').selectAll().where('user_id', '=', userId).orderBy('resource_type').orderBy('resource_id').execute();
    return rows.flatMap((r) => (isPermission(r.permission) ? [{ resourceType: r.resource_type as ResourceType, resourceId: r.resource_id, permission: r.permission }] : []));
  }

  async grant(userId: number, type: ResourceType, id: string): Promise<Permission | undefined> {
    const row = await this.db
      .selectFrom('auth_grants')
      .select('permission')
      .where('user_id', '=', userId)
      .where('resource_type', '=', type)
      .where('resource_id', '=', id)
      .executeTakeFirst();
    return row && isPermission(row.permission) ? row.permission : undefined;
  }

  async setGrant(userId: number, type: ResourceType, id: string, permission: Permission, mode: 'create' | 'update' | 'upsert'): Promise<void> {
    await writeTransaction(this.db, async (tx) => {
      const key = tx.selectFrom('auth_grants').select('permission').where('user_id', '=', userId).where('resource_type', '=', type).where('resource_id', '=', id);
      const existing = await key.executeTakeFirst();
      const what = type === 'experiment' ? `Experiment permission (experiment_id=${id})` : `Registered model permission (name=${id})`;
      if (existing && mode === 'create') throw MlflowError.alreadyExists(`${what} already exists for this user`);
      if (!existing && mode === 'update') throw MlflowError.notFound(`${what} not found for this user`);
      if (existing) {
        await tx.updateTable('auth_grants').set({ permission }).where('user_id', '=', userId).where('resource_type', '=', type).where('resource_id', '=', id).execute();
      } else {
        await tx.insertInto('auth_grants').values({ user_id: userId, resource_type: type, resource_id: id, permission }).execute();
      }
    });
  }

  async deleteGrant(userId: number, type: ResourceType, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('auth_grants')
      .where('user_id', '=', userId)
      .where('resource_type', '=', type)
      .where('resource_id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteGrantsOn(type: ResourceType, id: string): Promise<void> {
    await this.db.deleteFrom('auth_grants').where('resource_type', '=', type).where('resource_id', '=', id).execute();
  }

  async renameResource(type: ResourceType, from: string, to: string): Promise<void> {
    await writeTransaction(this.db, async (tx) => {
      // Grants left on the new name (a model deleted earlier under it) must not merge into the renamed one.
      await tx.deleteFrom('auth_grants').where('resource_type', '=', type).where('resource_id', '=', to).execute();
      await tx.updateTable('auth_grants').set({ resource_id: to }).where('resource_type', '=', type).where('resource_id', '=', from).execute();
    });
  }

  async createToken(token: TokenRecord, hash: string): Promise<void> {
    await this.db
      .insertInto('auth_tokens')
      .values({ token_id: token.id, user_id: token.userId, name: token.name, token_hash: hash, created_at: token.createdAt, expires_at: token.expiresAt })
      .execute();
  }

  async tokens(userId: number): Promise<TokenRecord[]> {
    const rows = await this.db.selectFrom('auth_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('token_id').execute();
    return rows.map(toToken);
  }

  async deleteToken(userId: number, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('auth_tokens').where('user_id', '=', userId).where('token_id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const row = await this.db.selectFrom('auth_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
    return row && toToken(row);
  }
}

function toUser(row: Selectable<AuthUsersTable>): UserRecord {
  return { id: row.id, username: row.username, passwordHash: row.password_hash, isAdmin: row.is_admin === 1 };
}

function toToken(row: Selectable<AuthTokensTable>): TokenRecord {
  return { id: row.token_id, userId: row.user_id, name: row.name, createdAt: Number(row.created_at), expiresAt: row.expires_at === null ? null : Number(row.expires_at) };
}
