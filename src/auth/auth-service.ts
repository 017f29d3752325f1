/**
 * Users, grants and tokens with MLflow basic-auth's rules: who a request is (a password or an
 * API token), what a user may do on an experiment or registered model (their grant, else the
 * default permission; admins everything), and the admin created at first start.
 */
import { randomBytes } from 'node:crypto';
import { MlflowError } from '../common/mlflow-error.js';
import { newTokenId, newTokenSecret, tokenHash } from './api-token.js';
import type { AuthConfig } from './auth-config.js';
import type { AuthStore, Grant, ResourceType, TokenRecord, UserRecord } from './auth-store.js';
import { CredentialCache } from './credential-cache.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import type { Permission } from './permission.js';

const MAX_USERNAME = 255;
const MAX_PASSWORD = 1024;
const MAX_TOKEN_DAYS = 3650;

export class AuthService {
  private readonly cache: CredentialCache;
  /** Checked against when the user is unknown, so a miss takes as long as a wrong password. */
  private readonly decoyHash: Promise<string>;

  constructor(
    readonly store: AuthStore,
    readonly config: AuthConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.cache = new CredentialCache(config.credentialCacheSeconds * 1000, 10_000, now);
    this.decoyHash = hashPassword(randomBytes(16).toString('hex'));
  }

  /** Creates the admin user when it does not exist; the password is returned only when it was generated here. */
  async bootstrapAdmin(): Promise<{ created: boolean; generatedPassword?: string }> {
    if (await this.store.getUser(this.config.adminUsername)) return { created: false };
    const generated = this.config.adminPassword === undefined ? randomBytes(24).toString('base64url') : undefined;
    const password = this.config.adminPassword ?? generated!;
    checkCredentials(this.config.adminUsername, password);
    await this.store.createUser(this.config.adminUsername, await hashPassword(password), true);
    return { created: true, generatedPassword: generated };
  }

  async authenticatePassword(username: string, password: string): Promise<UserRecord | undefined> {
    if (username === '' || password === '' || username.length > MAX_USERNAME || password.length > MAX_PASSWORD) return undefined;
    const cachedId = this.cache.get(username, password);
    if (cachedId !== undefined) {
      const user = await this.store.getUserById(cachedId);
      if (user && user.username === username) return user;
    }
    const user = await this.store.getUser(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await this.decoyHash));
    if (!user || !ok) return undefined;
    this.cache.set(username, password, user.id);
    return user;
  }

  async authenticateToken(secret: string): Promise<UserRecord | undefined> {
    if (secret === '' || secret.length > 256) return undefined;
    const token = await this.store.tokenByHash(tokenHash(secret));
    if (!token || (token.expiresAt !== null && token.expiresAt <= this.now())) return undefined;
    return this.store.getUserById(token.userId);
  }

  /** What `user` has on a resource: admins MANAGE, else their grant, else the default permission. */
  async permissionOn(user: UserRecord, type: ResourceType, id: string): Promise<Permission> {
    if (user.isAdmin) return 'MANAGE';
    return (await this.store.grant(user.id, type, id)) ?? this.config.defaultPermission;
  }

  /** All of a user's grants at once, for filtering a search without a query per row. */
  async permissionLookup(user: UserRecord): Promise<(type: ResourceType, id: string) => Permission> {
    if (user.isAdmin) return () => 'MANAGE';
    const grants = new Map((await this.store.grants(user.id)).map((g) => [`${g.resourceType}\0${g.resourceId}`, g.permission]));
    return (type, id) => grants.get(`${type}\0${id}`) ?? this.config.defaultPermission;
  }

  grants(user: UserRecord): Promise<Grant[]> {
    return this.store.grants(user.id);
  }

  async createUser(username: string, password: string): Promise<UserRecord> {
    checkCredentials(username, password);
    return this.store.createUser(username, await hashPassword(password), false);
  }

  async getUser(username: string): Promise<UserRecord> {
    const user = await this.store.getUser(username);
    if (!user) throw MlflowError.notFound(`User with username=${username} not found`);
    return user;
  }

  /** A user changing their own password must give the current one (MLflow's self-service rule). */
  async updatePassword(sender: UserRecord, username: string, password: string, currentPassword: string | undefined): Promise<void> {
    checkCredentials(username, password);
    const user = await this.getUser(username);
    if (sender.username === username) {
      if (!currentPassword) throw MlflowError.invalid('Current password is required when changing your own password.');
      if (!(await verifyPassword(currentPassword, user.passwordHash))) throw MlflowError.invalid('Current password does not match.');
      if (password === currentPassword) throw MlflowError.invalid('New password must differ from the current password.');
    }
    await this.store.updateUser(username, { passwordHash: await hashPassword(password) });
    this.cache.forget(user.id);
  }

  async updateAdmin(username: string, isAdmin: boolean): Promise<void> {
    if (!(await this.store.updateUser(username, { isAdmin }))) throw MlflowError.notFound(`User with username=${username} not found`);
  }

  async deleteUser(sender: UserRecord, username: string): Promise<void> {
    if (sender.username === username) {
      throw new MlflowError('BAD_REQUEST', 'Users cannot delete their own account. Ask another admin to delete this user instead.');
    }
    const user = await this.getUser(username);
    await this.store.deleteUser(username);
    this.cache.forget(user.id);
  }

  async createToken(user: UserRecord, name: string, expiresInDays: number | undefined): Promise<{ token: TokenRecord; secret: string }> {
    if (name.trim() === '' || name.length > 256) throw MlflowError.invalid('A token needs a name of 1 to 256 characters');
    if (expiresInDays !== undefined && (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > MAX_TOKEN_DAYS)) {
      throw MlflowError.invalid(`expires_in_days must be an integer from 1 to ${MAX_TOKEN_DAYS}`);
    }
    const createdAt = this.now();
    const token: TokenRecord = { id: newTokenId(), userId: user.id, name, createdAt, expiresAt: expiresInDays === undefined ? null : createdAt + expiresInDays * 86_400_000 };
    const secret = newTokenSecret();
    await this.store.createToken(token, tokenHash(secret));
    return { token, secret };
  }

  tokens(user: UserRecord): Promise<TokenRecord[]> {
    return this.store.tokens(user.id);
  }

  async revokeToken(user: UserRecord, id: string): Promise<void> {
    if (!(await this.store.deleteToken(user.id, id))) throw MlflowError.notFound(`Token '${id}' not found`);
  }
}

/** Empty names and passwords are refused, as MLflow refuses them; the message never repeats the password. */
function checkCredentials(username: string, password: string): void {
  if (username.trim() === '' || password === '') throw MlflowError.invalid('Username and password cannot be empty.');
  if (username.length > MAX_USERNAME) throw MlflowError.invalid(`Username must be at most ${MAX_USERNAME} characters`);
  if (/[\u0000-\u001f\u007f:]/.test(username)) throw MlflowError.invalid('Username must not contain control characters or ":"');
  if (password.length > MAX_PASSWORD) throw MlflowError.invalid(`Password must be at most ${MAX_PASSWORD} characters`);
}
