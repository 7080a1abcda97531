/**
 * What a run needs to know about its project besides code: params, texts, webhook URLs, and the
 * secrets (decrypted in the sidecar only, for plugins and for redaction; they never reach the
 * sandbox). Cached per project version, which every change of the project bumps, so secrets are
 * decrypted and the redaction pattern built once per version, not once per job.
 */
import type { Queryable } from '../db/index.js';
import { webhookUrl } from '../projects/index.js';
import { openSecret, type SecretCipher, type StoredSecret } from '../secrets/index.js';
import type { SecretHandleTable } from '../egress/index.js';
import { createRedactor } from './redaction.js';

export interface ProjectData {
  version: number;
  name: string;
  params: Record<string, string | null>;
  /** key → language → text */
  texts: Record<string, Record<string, string>>;
  webhooks: Record<string, string>;
  /** key → decrypted value (null when unset) */
  secrets: Readonly<Record<string, string | null>>;
  /** key → value and the URL prefix its handles may be sent to (task code's `secret(key)`). */
  boundSecrets: SecretHandleTable['secrets'];
  /** Replaces the secret values in a text (see redaction.ts). */
  redact: (text: string) => string;
}

export class ProjectDataCache {
  private readonly cache = new Map<number, ProjectData>();

  constructor(
    private readonly db: Queryable,
    private readonly publicUrl: string,
    private readonly cipher: SecretCipher,
  ) {}

  async get(projectId: number, version: number): Promise<ProjectData> {
    const cached = this.cache.get(projectId);
    if (cached && cached.version >= version) return cached;
    const { rows } = await this.db.query<
      Omit<ProjectData, 'webhooks' | 'redact'> & {
        webhook_paths: Record<string, string>;
        secrets: Record<string, StoredSecret & { bound_url: string | null }>;
      }
    >(
      `select p.version, p.name,
         coalesce((select json_object_agg(key, value) from sync_studio.project_param where project_id = p.id), '{}') as params,
         coalesce((select json_object_agg(key, value) from sync_studio.project_text where project_id = p.id), '{}') as texts,
         coalesce((select json_object_agg(key, json_build_object('project_id', project_id, 'key', key, 'value_encrypted', value_encrypted,
           'cipher_version', cipher_version, 'bound_url', bound_url)) from sync_studio.project_secret where project_id = p.id), '{}') as secrets,
         coalesce((select json_object_agg(w.trigger_name, w.path) from sync_studio.trigger_webhook w
                    join sync_studio.task t on t.id = w.task_id where t.project_id = p.id), '{}') as webhook_paths
       from sync_studio.project p where p.id = $1`,
      [projectId],
    );
    const row = rows[0]!;
    const secrets = Object.freeze(
      Object.fromEntries(Object.entries(row.secrets).map(([key, stored]) => [key, openSecret(this.cipher, stored)])),
    );
    const data: ProjectData = {
      version: row.version,
      name: row.name,
      params: row.params,
      texts: row.texts,
      secrets,
      boundSecrets: Object.freeze(
        Object.fromEntries(Object.entries(row.secrets).map(([key, stored]) => [key, { value: secrets[key]!, boundUrl: stored.bound_url }])),
      ),
      redact: createRedactor(Object.values(secrets).filter((value): value is string => value !== null)),
      webhooks: Object.fromEntries(Object.entries(row.webhook_paths).map(([name, path]) => [name, webhookUrl(this.publicUrl, path)])),
    };
    this.cache.set(projectId, data);
    return data;
  }
}

/** The texts in one language, falling back to en_US, then to any language that has the text. */
export function textsIn(texts: ProjectData['texts'], lang: string): Record<string, string | null> {
  return Object.fromEntries(
    Object.entries(texts).map(([key, values]) => [key, values[lang] ?? values.en_US ?? Object.values(values)[0] ?? null]),
  );
}
