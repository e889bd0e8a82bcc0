import type { Generated } from "kysely";

/**
 * Tables as Kysely sees them. Both dialects store timestamps as ISO-8601 UTC text (sortable),
 * JSON as text and booleans as 0/1 integers, so one set of queries serves SQLite and PostgreSQL.
 */
export interface Database {
  signing_keys: SigningKeyTable;
  groups: GroupTable;
  users: UserTable;
  api_keys: ApiKeyTable;
  products: ProductTable;
  product_revisions: ProductRevisionTable;
  orders: OrderTable;
  licenses: LicenseTable;
  activations: ActivationTable;
  idempotency_keys: IdempotencyKeyTable;
  audit_events: AuditEventTable;
  sessions: SessionTable;
  rate_limits: RateLimitTable;
  categories: CategoryTable;
  category_products: CategoryProductTable;
  grants: GrantTable;
  data_fields: DataFieldTable;
  order_field_values: OrderFieldValueTable;
  subscriptions: SubscriptionTable;
  subscription_terms: SubscriptionTermTable;
  outbox_events: OutboxEventTable;
  notices: NoticeTable;
  jobs: JobTable;
}

export interface SigningKeyTable {
  kid: string;
  /** `signing` (the one key that signs), `verifying` (old; still verifies) or `retired`. */
  status: string;
  public_jwk: string;
  private_key_sealed: string;
  created_at: string;
  retired_at: string | null;
}

export interface GroupTable {
  id: string;
  parent_id: string | null;
  name: string;
  /** Ids from the root down to this group, `/root/…/id/`: a subtree is a prefix match. */
  path: string;
  created_at: string;
}

export interface UserTable {
  id: string;
  group_id: string;
  email: string;
  name: string;
  password_hash: string | null;
  is_admin: number;
  enabled: number;
  /** Consecutive failed logins; reset by a successful one. */
  failed_logins: number;
  /** No login is tried before this instant (lock-out delay after failures). */
  locked_until: string | null;
  created_at: string;
  updated_at: string | null;
}

export interface ApiKeyTable {
  id: string;
  user_id: string;
  name: string;
  /** First characters of the key, shown in lists so a person can tell keys apart. */
  prefix: string;
  /** SHA-256 of the whole key; the key itself is shown once and never stored. */
  key_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface ProductTable {
  id: string;
  code: number;
  name: string;
  description: string;
  parameters: string;
  file_validity: string | null;
  status: string;
  revision: number;
  created_at: string;
  updated_at: string;
}

export interface ProductRevisionTable {
  product_id: string;
  revision: number;
  name: string;
  parameters: string;
  file_validity: string | null;
  created_at: string;
}

export interface OrderTable {
  id: string;
  ticket: string;
  external_order_number: string | null;
  customer_name: string | null;
  customer_email: string | null;
  customer_company: string | null;
  /** Lower-cased name, email and company, for case-insensitive search on both dialects. */
  customer_search: string;
  category_id: string | null;
  group_id: string;
  created_by: string | null;
  status: string;
  request_hash: string;
  created_at: string;
}

export interface LicenseTable {
  id: string;
  order_id: string;
  product_id: string;
  product_code: number;
  product_name: string;
  product_revision: number;
  status: string;
  version: number;
  rules: string;
  values: string;
  seats: number;
  active_seats: number;
  expires_at: string | null;
  maintenance_until: string | null;
  category_id: string | null;
  group_id: string;
  first_activated_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ActivationTable {
  id: string;
  license_id: string;
  fingerprint: string;
  device_name: string;
  parameters: string;
  status: string;
  license_file: string;
  file_version: number;
  created_at: string;
  refreshed_at: string;
  returned_at: string | null;
}

export interface IdempotencyKeyTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response: string | null;
  created_at: string;
}

export interface AuditEventTable {
  seq: Generated<number>;
  id: string;
  at: string;
  actor_type: string;
  actor_id: string | null;
  channel: string;
  action: string;
  entity_type: string;
  entity_id: string;
  group_id: string | null;
  before: string | null;
  after: string | null;
}

export interface RateLimitTable {
  /** Route and client, e.g. `/api/v1/tickets/:ticket|127.0.0.1`. */
  key: string;
  /** Start of the current window, milliseconds since the epoch. */
  window_start: number;
  count: number;
}

export interface SessionTable {
  /** SHA-256 of the session cookie's token; the token itself is never stored. */
  id: string;
  user_id: string;
  csrf_secret: string;
  created_at: string;
  expires_at: string;
}

export interface CategoryTable {
  id: string;
  name: string;
  /** Lower-cased name: category names are unique regardless of case. */
  name_key: string;
  created_at: string;
  updated_at: string;
}

export interface CategoryProductTable {
  category_id: string;
  product_id: string;
  /** JSON: per order-specific parameter, `fixed` or `flexible` with bounds. */
  config: string;
  created_at: string;
  updated_at: string;
}

export interface GrantTable {
  id: string;
  user_id: string;
  category_id: string;
  right: string;
  /** The admin who granted it (`system` for the CLI and first start). */
  grantor_id: string;
  created_at: string;
}

export interface DataFieldTable {
  id: string;
  key: string;
  label: string;
  type: string;
  required: number;
  is_unique: number;
  /** JSON: maxLength, pattern, min, max, options. */
  rules: string;
  /** JSON list of category ids where the field appears; empty: everywhere. */
  categories: string;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface OrderFieldValueTable {
  order_id: string;
  field_id: string;
  /** JSON-encoded value. */
  value: string;
  unique_value: string | null;
}

/** A license sold as a subscription: its current term and state (DESIGN §2.6). */
export interface SubscriptionTable {
  id: string;
  license_id: string;
  order_id: string;
  category_id: string;
  /** The order's group: visibility and reports follow it. */
  group_id: string;
  product_code: number;
  /** `license` (drives expires_at) or `maintenance` (drives maintenance_until). */
  type: string;
  /** `active`, `cancelled` (ends on end_date) or `ended`. */
  status: string;
  /** The current term, 1 for the first. */
  term: number;
  first_end: string;
  /** Last day of the current term (UTC day). */
  end_date: string;
  /** Last day a cancellation of the current term is accepted: end_date minus the cancellation period. */
  deadline: string;
  cancellation_period: string;
  renewal_term: string;
  align_to: string | null;
  cancelled_at: string | null;
  cancelled_by: string | null;
  ended_at: string | null;
  /** `cancelled`, `license_revoked` or `license_deleted`. */
  end_reason: string | null;
  /** The last term whose upcoming-deadline notice was queued. */
  reminded_term: number;
  created_at: string;
  updated_at: string;
}

/** The history of a subscription's terms; (subscription_id, term) is written once. */
export interface SubscriptionTermTable {
  subscription_id: string;
  term: number;
  /** `initial` or `renewal`. */
  kind: string;
  start_date: string;
  end_date: string;
  deadline: string;
  /** Creation day for the first term; the day after the passed deadline for renewals. */
  effective_day: string;
  /** The license's version once this term was written. */
  license_version: number;
  recorded_at: string;
  /** The node that wrote the term (renewals), null for the first term. */
  recorded_by: string | null;
}

/** Durable, ordered events for later delivery (webhooks); also the record reports read. */
export interface OutboxEventTable {
  seq: Generated<number>;
  id: string;
  /** e.g. `subscription.renewed`. */
  type: string;
  subject_type: string;
  subject_id: string;
  group_id: string | null;
  /** The UTC day the event counts on in reports. */
  day: string;
  at: string;
  /** JSON. */
  payload: string;
  delivered_at: string | null;
}

/** One email, queued in the transaction of its event; the key makes it unique. */
export interface NoticeTable {
  key: string;
  subscription_id: string;
  /** `upcoming_deadline`, `renewed`, `cancelled` or `ended`. */
  kind: string;
  recipient: string;
  subject: string;
  body: string;
  /** `pending`, `sending` (claimed until next_attempt_at), `sent`, `logged` or `failed`. */
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

/** Bookkeeping of a scheduled job, shared by all nodes. */
export interface JobTable {
  name: string;
  next_run_at: string | null;
  last_started_at: string | null;
  last_finished_at: string | null;
  last_node: string | null;
  /** JSON summary of the last run. */
  last_result: string | null;
}
