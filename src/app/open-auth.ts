/**
 * Opens authentication for `aviary server --auth`: users live in the tracking database (its
 * own handle on the shared connection), and the admin user is created at first start.
 */
import type { AuthConfig } from '../auth/auth-config.js';
import { AuthService } from '../auth/auth-service.js';
import { AuthRepository } from '../store/sql/auth-repository.js';
import { openDatabase } from '../store/sql/open-database.js';

export interface OpenedAuth {
  readonly service: AuthService;
  /** Set only when the admin was created now with a generated password: to be shown once, never logged. */
  readonly generatedAdminPassword?: string;
  readonly adminCreated: boolean;
  close(): Promise<void>;
}

export async function openAuth(backendStoreUri: string, config: AuthConfig): Promise<OpenedAuth> {
  const database = await openDatabase(backendStoreUri);
  try {
    const service = new AuthService(new AuthRepository(database.db), config);
    const { created, generatedPassword } = await service.bootstrapAdmin();
    return { service, adminCreated: created, generatedAdminPassword: generatedPassword, close: () => database.close() };
  } catch (err) {
    await database.close();
    throw err;
  }
}
