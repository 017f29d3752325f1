/** Where users, their grants and their API tokens live (the tracking database, in the SQL store). */
import type { Permission } from './permission.js';

export interface UserRecord {
  readonly id: number;
  readonly username: string;
  readonly passwordHash: string;
  readonly isAdmin: boolean;
}

export type ResourceType = 'experiment' | 'registered_model';

export interface Grant {
  readonly resourceType: ResourceType;
  readonly resourceId: string;
  readonly permission: Permission;
}

export interface TokenRecord {
  readonly id: string;
  readonly userId: number;
  readonly name: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
}

export interface AuthStore {
  countUsers(): Promise<number>;
  /** Throws RESOURCE_ALREADY_EXISTS when the name is taken. */
  createUser(username: string, passwordHash: string, isAdmin: boolean): Promise<UserRecord>;
  getUser(username: string): Promise<UserRecord | undefined>;
  getUserById(id: number): Promise<UserRecord | undefined>;
  /** False when there is no such user. */
  updateUser(username: string, change: { passwordHash?: string; isAdmin?: boolean }): Promise<boolean>;
  /** Removes the user with its grants and tokens; false when there is no such user. */
  deleteUser(username: string): Promise<boolean>;

  grants(userId: number): Promise<Grant[]>;
  grant(userId: number, type: ResourceType, id: string): Promise<Permission | undefined>;
  /** `mode` 'create' throws RESOURCE_ALREADY_EXISTS on an existing grant, 'update' RESOURCE_DOES_NOT_EXIST on a missing one. */
  setGrant(userId: number, type: ResourceType, id: string, permission: Permission, mode: 'create' | 'update' | 'upsert'): Promise<void>;
  /** False when there was no such grant. */
  deleteGrant(userId: number, type: ResourceType, id: string): Promise<boolean>;
  /** Every user's grants on one resource: a deleted registered model's name may be reused. */
  deleteGrantsOn(type: ResourceType, id: string): Promise<void>;
  renameResource(type: ResourceType, from: string, to: string): Promise<void>;

  createToken(token: TokenRecord, hash: string): Promise<void>;
  tokens(userId: number): Promise<TokenRecord[]>;
  /** Only the owner's token is deleted; false otherwise. */
  deleteToken(userId: number, id: string): Promise<boolean>;
  tokenByHash(hash: string): Promise<TokenRecord | undefined>;
}
