/**
 * Webhooks and the events they listen to, in the SQL store. Secrets are written only as
 * Fernet tokens (`secret_encrypted` = 1) and decrypted only into a WebhookTarget; a row from
 * before encryption at rest (0) is read as plain text until `sealSecrets` encrypts it.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { MlflowError } from '../../common/mlflow-error.js';
import type { Page } from '../../registry/entities.js';
import type {
  NewWebhook,
  Webhook,
  WebhookAction,
  WebhookEntity,
  WebhookEvent,
  WebhookPatch,
  WebhookStatus,
  WebhookStore,
  WebhookTarget,
} from '../../registry/webhooks/webhook-store.js';
import { WebhookSecretUnreadable, type WebhookSecretCipher } from '../../registry/webhooks/fernet-cipher.js';
import { decodePageToken, encodePageToken } from '../../tracking/search/page-token.js';
import type { Database, WebhooksTable } from './schema.js';
import type { SqlDialectName } from './sql-dialect-name.js';
import { writeTransaction } from './write-transaction.js';

type Row = Selectable<WebhooksTable>;

export class WebhooksRepository implements WebhookStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: WebhookSecretCipher,
    private readonly dialect: SqlDialectName,
  ) {}

  async create(input: NewWebhook): Promise<Webhook> {
    const webhookId = randomUUID();
    const now = Date.now();
    await writeTransaction(this.db, async (tx) => {
      await tx
        .insertInto('webhooks')
        .values({
          webhook_id: webhookId,
          name: input.name,
          description: input.description || null,
          url: input.url,
          status: input.status,
          ...this.sealed(input.secret),
          creation_timestamp: now,
          last_updated_timestamp: now,
        })
        .execute();
      await tx.insertInto('webhook_events').values(input.events.map((e, i) => eventRow(webhookId, e, i))).execute();
    });
    return this.get(webhookId);
  }

  async get(webhookId: string): Promise<Webhook> {
    return (await this.hydrate([await this.row(webhookId)]))[0]!;
  }

  async list(query: { maxResults: number; pageToken?: string }): Promise<Page<Webhook>> {
    const offset = decodePageToken(query.pageToken);
    const rows = await this.db
      .selectFrom('webhooks')
      .selectAll()
      // The id breaks ties between webhooks created in the same millisecond, so pages never overlap.
      .orderBy('creation_timestamp', 'desc')
      .orderBy('webhook_id', 'desc')
      .limit(query.maxResults + 1)
      .offset(offset)
      .execute();
    const more = rows.length > query.maxResults;
    const items = await this.hydrate(more ? rows.slice(0, query.maxResults) : rows);
    return { items, nextPageToken: more ? encodePageToken(offset + query.maxResults) : undefined };
  }

  async update(webhookId: string, patch: WebhookPatch): Promise<Webhook> {
    await this.row(webhookId);
    await writeTransaction(this.db, async (tx) => {
      await tx
        .updateTable('webhooks')
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.url !== undefined && { url: patch.url }),
          ...(patch.description !== undefined && { description: patch.description || null }),
          ...(patch.secret !== undefined && this.sealed(patch.secret)),
          ...(patch.status !== undefined && { status: patch.status }),
          last_updated_timestamp: Date.now(),
        })
        .where('webhook_id', '=', webhookId)
        .execute();
      if (patch.events !== undefined) {
        await tx.deleteFrom('webhook_events').where('webhook_id', '=', webhookId).execute();
        await tx.insertInto('webhook_events').values(patch.events.map((e, i) => eventRow(webhookId, e, i))).execute();
      }
    });
    return this.get(webhookId);
  }

  async delete(webhookId: string): Promise<void> {
    await this.row(webhookId);
    await writeTransaction(this.db, async (tx) => {
      await tx.deleteFrom('webhook_events').where('webhook_id', '=', webhookId).execute();
      await tx.deleteFrom('webhooks').where('webhook_id', '=', webhookId).execute();
    });
  }

  async activeTargets(event: WebhookEvent): Promise<WebhookTarget[]> {
    const rows = await this.db
      .selectFrom('webhooks')
      .innerJoin('webhook_events', 'webhook_events.webhook_id', 'webhooks.webhook_id')
      .select(['webhooks.webhook_id', 'webhooks.name', 'webhooks.url', 'webhooks.secret', 'webhooks.secret_encrypted'])
      .where('webhooks.status', '=', 'ACTIVE' satisfies WebhookStatus)
      .where('webhook_events.entity', '=', event.entity.toLowerCase())
      .where('webhook_events.action', '=', event.action.toLowerCase())
      .orderBy('webhooks.creation_timestamp', 'desc')
      .execute();
    return rows.map((r) => this.targetOf(r));
  }

  async target(webhookId: string): Promise<{ webhook: Webhook; target: WebhookTarget }> {
    const row = await this.row(webhookId);
    return { webhook: (await this.hydrate([row]))[0]!, target: this.targetOf(row) };
  }

  async sealSecrets(): Promise<{ stored: number; sealed: number; unreadable: { webhookId: string; name: string }[] }> {
    const rows = await this.db
      .selectFrom('webhooks')
      .select(['webhook_id', 'name', 'url', 'secret', 'secret_encrypted'])
      .where('secret', 'is not', null)
      .execute();
    const plain = rows.filter((r) => !r.secret_encrypted);
    if (plain.length > 0) {
      const seal = () =>
        writeTransaction(this.db, async (tx) => {
          for (const r of plain) {
            await tx.updateTable('webhooks').set(this.sealed(r.secret!)).where('webhook_id', '=', r.webhook_id).where('secret_encrypted', '=', 0).execute();
          }
        });
      // PostgreSQL has no such setting: the old row versions stay in the table's files until VACUUM reuses them.
      if (this.dialect === 'sqlite') await this.sealSqliteWithoutTrace(seal);
      else await seal();
    }
    const unreadable = rows.filter((r) => r.secret_encrypted && this.targetOf(r).secretProblem).map((r) => ({ webhookId: r.webhook_id, name: r.name }));
    return { stored: rows.length, sealed: plain.length, unreadable };
  }

  /**
   * secure_delete zeroes the space the plain text leaves, so the file keeps no copy; the
   * checkpoint moves the rewritten pages out of the write-ahead log into the file.
   */
  private async sealSqliteWithoutTrace(seal: () => Promise<void>): Promise<void> {
    const before = (await sql<{ secure_delete: number }>`PRAGMA secure_delete`.execute(this.db)).rows[0]?.secure_delete;
    await sql`PRAGMA secure_delete = ON`.execute(this.db);
    try {
      await seal();
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(this.db);
    } finally {
      await sql.raw(`PRAGMA secure_delete = ${before ? 'ON' : 'OFF'}`).execute(this.db);
    }
  }

  /** The columns that store `secret`: a token, or none when it is empty (MLflow's "remove signing"). */
  private sealed(secret: string | undefined): { secret: string | null; secret_encrypted: number } {
    return secret ? { secret: this.cipher.encrypt(secret), secret_encrypted: 1 } : { secret: null, secret_encrypted: 0 };
  }

  private targetOf(row: Pick<Row, 'webhook_id' | 'name' | 'url' | 'secret' | 'secret_encrypted'>): WebhookTarget {
    const base = { webhookId: row.webhook_id, name: row.name, url: row.url };
    if (!row.secret) return base;
    if (!row.secret_encrypted) return { ...base, secret: row.secret };
    try {
      return { ...base, secret: this.cipher.decrypt(row.secret) };
    } catch (err) {
      if (!(err instanceof WebhookSecretUnreadable)) throw err;
      return { ...base, secretProblem: `its secret cannot be decrypted: ${err.message}` };
    }
  }

  private async row(webhookId: string): Promise<Row> {
    const row = await this.db.selectFrom('webhooks').selectAll().where('webhook_id', '=', webhookId).executeTakeFirst();
    if (!row) throw MlflowError.notFound(`Webhook with ID ${webhookId} not found.`);
    return row;
  }

  /** The rows as entities: their events in one query, and no secret. */
  private async hydrate(rows: Row[]): Promise<Webhook[]> {
    if (rows.length === 0) return [];
    const events = await this.db
      .selectFrom('webhook_events')
      .selectAll()
      .where('webhook_id', 'in', rows.map((r) => r.webhook_id))
      .orderBy('webhook_id')
      .orderBy('position')
      .execute();
    const byWebhook = new Map<string, WebhookEvent[]>();
    for (const e of events) {
      const list = byWebhook.get(e.webhook_id) ?? [];
      list.push({ entity: e.entity.toUpperCase() as WebhookEntity, action: e.action.toUpperCase() as WebhookAction });
      byWebhook.set(e.webhook_id, list);
    }
    return rows.map((r) => ({
      webhook_id: r.webhook_id,
      name: r.name,
      description: r.description ?? undefined,
      url: r.url,
      events: byWebhook.get(r.webhook_id) ?? [],
      status: r.status as WebhookStatus,
      creation_timestamp: Number(r.creation_timestamp),
      last_updated_timestamp: Number(r.last_updated_timestamp),
    }));
  }
}

function eventRow(webhookId: string, e: WebhookEvent, position: number) {
  return { webhook_id: webhookId, entity: e.entity.toLowerCase(), action: e.action.toLowerCase(), position };
}
