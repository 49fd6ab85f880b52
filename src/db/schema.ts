import type { ColumnType, Generated } from 'kysely';

/** Row types of every table, mirroring migrations/. The database module owns the schema; contexts use their tables. */
type Json = ColumnType<unknown, string, string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type TsVector = ColumnType<string, never, never>;

export interface NodeKeysTable {
  kid: string;
  public_jwk: Json;
  private_jwk_enc: string;
  created_at: Timestamp;
  retired_at: Timestamp | null;
}

export interface NodeIdentityTable {
  did: string;
  profile: Json;
  credential: string;
  updated_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: Json;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface ParticipantsTable {
  did: string;
  name: string;
  roles: Json;
  endpoints: Json;
  did_document: Json;
  credential: string;
  self_description: Json;
  status: 'active' | 'suspended';
  status_reason: string | null;
  verified_at: Timestamp;
  added_at: Timestamp;
  updated_at: Timestamp;
}

export interface SeenTokensTable {
  issuer: string;
  jti: string;
  expires_at: Timestamp;
}

export interface CatalogResourcesTable {
  id: string;
  kind: 'dataset' | 'software-service' | 'infrastructure-service';
  title: Json;
  description: Json;
  keywords: Json;
  themes: Json;
  languages: Json;
  license: string | null;
  publisher: string | null;
  contains_personal_data: boolean;
  details: Json;
  sort_title: string;
  search_text: string;
  /** English lexemes weighted A, French ones B (migration 0002). */
  fts: TsVector;
  /** Maintained by triggers on offering_resources: true while an offering bundles the resource. */
  offered: ColumnType<boolean, never, never>;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OfferingsTable {
  id: string;
  title: Json;
  description: Json;
  policy: Json;
  pricing: Json | null;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OfferingResourcesTable {
  offering_id: string;
  resource_id: string;
}

export interface FederatedDatasetsTable {
  participant_did: string;
  dataset_id: string;
  dataset: Json;
  title: string;
  search_text: string;
  fts_en: TsVector;
  fts_fr: TsVector;
  source_address: string;
  fetched_at: Timestamp;
}

export interface FederatedSourcesTable {
  participant_did: string;
  source_address: string;
  last_crawl_at: Timestamp;
  last_status: 'ok' | 'failed';
  last_error: string | null;
  dataset_count: number;
}

export interface JobLeasesTable {
  name: string;
  holder: string;
  lease_until: Timestamp;
}

/** Heads of trusted participants' logs this node verified and cosigned (migration 0004). */
export interface LedgerWitnessedTable {
  participant_did: string;
  size: number;
  /** Base64 of the 32-byte root. */
  root_hash: string;
  /** The head's own timestamp. */
  ts: Timestamp;
  jws: string;
  /** This node's cosignature (compact JWS) of that head. */
  cosignature: string;
  observed_at: Timestamp;
}

/** Cosignatures of this node's own heads sent by witnesses (migration 0004). */
export interface LedgerCosignaturesTable {
  size: number;
  witness_did: string;
  jws: string;
  received_at: Timestamp;
}

/** Split views detected while witnessing (migration 0004). */
export interface LedgerSplitViewsTable {
  id: Generated<number>;
  participant_did: string;
  size: number;
  reason: string;
  known_jws: string;
  presented_jws: string;
  detected_at: Timestamp;
}

/** The transparency log (migration 0003). bytea arrives as Buffer from pg and Uint8Array from PGlite. */
export interface LedgerEntriesTable {
  idx: number;
  type: string;
  actor: string;
  subject: string;
  ts: Timestamp;
  canonical: string;
}

export interface LedgerNodesTable {
  level: number;
  idx: number;
  hash: Uint8Array;
}

export interface LedgerStateTable {
  id: ColumnType<boolean, boolean | undefined, never>;
  size: number;
  root_hash: Uint8Array;
  /** The right-edge subtree hashes, highest level first, concatenated (migration 0021). */
  frontier: Uint8Array;
}

export interface LedgerHeadsTable {
  size: number;
  root_hash: Uint8Array;
  ts: Timestamp;
  jws: string;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  checksum: string;
  applied_at: Generated<Date>;
}

export interface OutboxTable {
  seq: Generated<number>;
  id: string;
  topic: string;
  url: string;
  audience: string;
  body: Json;
  key: string | null;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  lease_holder: string | null;
  lease_until: Timestamp | null;
  last_error: string | null;
  outcome: ColumnType<unknown, string | null, string | null> | null;
  created_at: Timestamp;
}

export interface DB {
  outbox: OutboxTable;
  node_keys: NodeKeysTable;
  node_identity: NodeIdentityTable;
  api_keys: ApiKeysTable;
  participants: ParticipantsTable;
  seen_tokens: SeenTokensTable;
  catalog_resources: CatalogResourcesTable;
  offerings: OfferingsTable;
  offering_resources: OfferingResourcesTable;
  federated_datasets: FederatedDatasetsTable;
  federated_sources: FederatedSourcesTable;
  job_leases: JobLeasesTable;
  ledger_entries: LedgerEntriesTable;
  ledger_nodes: LedgerNodesTable;
  ledger_state: LedgerStateTable;
  ledger_heads: LedgerHeadsTable;
  ledger_witnessed: LedgerWitnessedTable;
  ledger_cosignatures: LedgerCosignaturesTable;
  ledger_split_views: LedgerSplitViewsTable;
  schema_migrations: SchemaMigrationsTable;
}

/** Signed contracts (migration 0006); merged into DB below so each context's tables stay in one block. */
export interface ContractsTable {
  id: string;
  kind: 'bilateral' | 'ecosystem';
  title: string;
  agreement_id: string | null;
  status: 'pending' | 'active' | 'terminated' | 'revoked';
  current_hash: string | null;
  latest_hash: string;
  ended_by: string | null;
  ended_reason: string | null;
  ended_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ContractVersionsTable {
  hash: string;
  contract_id: string;
  version: number;
  previous_hash: string | null;
  proposer: string | null;
  document: Json;
  canonical: string;
  status: 'pending' | 'active' | 'superseded' | 'terminated' | 'revoked';
  valid_until: Timestamp | null;
  created_at: Timestamp;
  activated_at: Timestamp | null;
}

export interface ContractPartiesTable {
  version_hash: string;
  did: string;
  role: string;
}

export interface ContractSignaturesTable {
  version_hash: string;
  signer_did: string;
  jws: string;
  kid: string;
  public_jwk: Json;
  signed_at: Timestamp;
  recorded_at: Timestamp;
}

export interface ContractNoticesTable {
  contract_id: string;
  signer_did: string;
  action: 'terminate' | 'revoke';
  version_hash: string;
  reason: string;
  jws: string;
  kid: string;
  public_jwk: Json;
  issued_at: Timestamp;
  recorded_at: Timestamp;
}

export interface DB {
  contracts: ContractsTable;
  contract_versions: ContractVersionsTable;
  contract_parties: ContractPartiesTable;
  contract_signatures: ContractSignaturesTable;
  contract_notices: ContractNoticesTable;
}

/** Contract negotiations (migration 0007); merged into DB like the contracts block above. */
export interface NegotiationsTable {
  id: string;
  role: 'provider' | 'consumer';
  state: 'REQUESTED' | 'OFFERED' | 'ACCEPTED' | 'AGREED' | 'VERIFIED' | 'FINALIZED' | 'TERMINATED';
  version: Generated<number>;
  counterparty_did: string;
  counterparty_address: string;
  counterparty_pid: string | null;
  offer_id: string;
  target: string;
  offer: Json;
  offer_by: 'provider' | 'consumer';
  own_offer: ColumnType<unknown, string | null, string | null> | null;
  purpose: string | null;
  agreement_id: string | null;
  agreement: ColumnType<unknown, string | null, string | null> | null;
  provider_signature: string | null;
  consumer_signature: string | null;
  termination_code: string | null;
  termination_reason: string | null;
  history: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DB {
  negotiations: NegotiationsTable;
}

/** Ecosystems and their rulebooks (migration 0008); merged into DB like the blocks above. */
export interface RulebookEcosystemsTable {
  id: string;
  orchestrator_did: string;
  title: string;
  current_version: number;
  current_hash: string;
  contract_id: string | null;
  contract_hash: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RulebookVersionsTable {
  ecosystem_id: string;
  version: number;
  hash: string;
  document: Json;
  published_at: Timestamp;
}

export interface RulebookMembersTable {
  ecosystem_id: string;
  member_did: string;
  role: string;
  status: 'active' | 'left';
  accepted_version: number;
  accepted_hash: string;
  signature: string;
  joined_at: Timestamp;
  accepted_at: Timestamp;
  left_at: Timestamp | null;
  left_reason: string | null;
}

export interface RulebookInvitationsTable {
  id: string;
  ecosystem_id: string;
  participant_did: string;
  role: string;
  status: 'pending' | 'accepted' | 'undeliverable';
  delivered: ColumnType<boolean, boolean | undefined, boolean>;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RulebookJoinRequestsTable {
  id: string;
  ecosystem_id: string;
  participant_did: string;
  role: string;
  message: string | null;
  version: number;
  hash: string;
  signature: string;
  status: 'pending' | 'approved' | 'refused';
  reason: string | null;
  created_at: Timestamp;
  decided_at: Timestamp | null;
}

export interface RulebookMembershipsTable {
  ecosystem_id: string;
  role: string;
  status: 'invited' | 'requested' | 'accepting' | 'active' | 'refused' | 'left';
  invitation_id: string | null;
  request_id: string | null;
  signed_version: number | null;
  accepted_version: number | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DB {
  rulebook_ecosystems: RulebookEcosystemsTable;
  rulebook_versions: RulebookVersionsTable;
  rulebook_members: RulebookMembersTable;
  rulebook_invitations: RulebookInvitationsTable;
  rulebook_join_requests: RulebookJoinRequestsTable;
  rulebook_memberships: RulebookMembershipsTable;
}

/** DSP transfer processes (migration 0010); merged into DB like the blocks above. */
export interface TransfersTable {
  id: string;
  role: 'provider' | 'consumer';
  state: 'REQUESTED' | 'STARTED' | 'SUSPENDED' | 'COMPLETED' | 'TERMINATED';
  version: Generated<number>;
  counterparty_did: string;
  counterparty_address: string;
  counterparty_pid: string | null;
  agreement_id: string;
  dataset_id: string;
  format: 'HttpData-PULL' | 'HttpData-PUSH';
  finite: boolean;
  source: ColumnType<unknown, string | null, string | null> | null;
  media_type: string | null;
  data_address: ColumnType<unknown, string | null, string | null> | null;
  destination: ColumnType<unknown, string | null, string | null> | null;
  delivery: 'direct' | 'node';
  job: 'push' | 'pull' | null;
  job_runs: Generated<number>;
  bytes: number | null;
  sha256: string | null;
  data_started_at: Timestamp | null;
  data_ended_at: Timestamp | null;
  termination_code: string | null;
  termination_reason: string | null;
  history: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Migration 0016: the consent a transfer of personal data runs under. */
  consent: ColumnType<unknown, string | null, string | null> | null;
}

export interface DB {
  transfers: TransfersTable;
}

/** Data-plane connections (migration 0009): non-secret settings in clear, the secret sealed (aad = name). */
export interface ConnectionsTable {
  name: string;
  kind: 'postgres' | 'http';
  settings: Json;
  secret_sealed: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DB {
  connections: ConnectionsTable;
}

/** Usage counters of agreements (migration 0011). */
export interface UsageCountersTable {
  agreement_id: string;
  uses: number;
  updated_at: Timestamp;
}

/** Exchange receipts (migration 0012): one row per transfer, keyed by this node's transfer id. */
export interface ExchangeReceiptsTable {
  transfer_id: string;
  role: 'provider' | 'consumer';
  status: 'pending' | 'countersigned' | 'disputed';
  counterparty_did: string | null;
  counterparty_dsp: string | null;
  agreement_id: string | null;
  dataset_id: string | null;
  document: ColumnType<unknown, string | null, string | null> | null;
  document_hash: string | null;
  provider_jws: string | null;
  consumer_jws: string | null;
  provider_ledger_receipt: ColumnType<unknown, string | null, string | null> | null;
  consumer_ledger_receipt: ColumnType<unknown, string | null, string | null> | null;
  own_entry_index: number | null;
  measured: ColumnType<boolean, boolean | undefined, boolean>;
  measurement: ColumnType<unknown, string | null, string | null> | null;
  dispute_reason: string | null;
  outgoing: ColumnType<'none' | 'due' | 'sent', 'none' | 'due' | 'sent' | undefined, 'none' | 'due' | 'sent'>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DB {
  usage_counters: UsageCountersTable;
  exchange_receipts: ExchangeReceiptsTable;
}

/** People at a personal-data intermediary, and links with participants (migration 0013). */
export interface PeopleTable {
  id: string;
  login: string;
  login_key: string;
  name: string | null;
  language: 'fr' | 'en';
  password_hash: string;
  created_at: Timestamp;
}

export interface PeopleSessionsTable {
  id: string;
  person_id: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface PeopleSignInAttemptsTable {
  seq: Generated<number>;
  login_hash: string;
  ip_hash: string;
  outcome: 'pending' | 'failed';
  at: Timestamp;
}

export interface PeopleLinksTable {
  id: string;
  person_id: string;
  participant_did: string;
  status: 'pending' | 'confirmed' | 'revoked';
  code_hash: string | null;
  code_expires_at: Timestamp | null;
  subject_id: string | null;
  created_at: Timestamp;
  confirmed_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface IntermediaryLinksTable {
  id: string;
  intermediary_did: string;
  subject_id: string;
  link_id: string;
  confirmed_at: Timestamp;
}

export interface DB {
  people: PeopleTable;
  people_sessions: PeopleSessionsTable;
  people_sign_in_attempts: PeopleSignInAttemptsTable;
  people_links: PeopleLinksTable;
  intermediary_links: IntermediaryLinksTable;
}

/** Consents (migration 0014): intermediary records, their signed receipts, and what parties hold. */
export interface ConsentsTable {
  id: string;
  person_id: string;
  principal_id: string;
  consumer_did: string;
  provider_did: string;
  dataset_id: string;
  offer_id: string | null;
  purpose: string;
  consumer_subject_id: string;
  provider_subject_id: string;
  status: 'requested' | 'granted' | 'refused' | 'withdrawn' | 'expired';
  notice: Json;
  pending_notice: ColumnType<unknown, string | null, string | null> | null;
  record: Json;
  expires_at: Timestamp | null;
  receipt_seq: ColumnType<number, number | undefined, number>;
  last_receipt_hash: string | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConsentReceiptsTable {
  consent_id: string;
  seq: number;
  jws: string;
  hash: string;
  state: string;
  created_at: Timestamp;
}

export interface PartyConsentsTable {
  consent_id: string;
  intermediary_did: string;
  role: 'provider' | 'consumer';
  provider_did: string;
  consumer_did: string;
  dataset_id: string;
  purpose: string;
  status: 'granted' | 'refused' | 'withdrawn' | 'expired';
  reconfirmation_required: ColumnType<boolean, boolean | undefined, boolean>;
  expires_at: Timestamp | null;
  receipt_seq: number;
  receipt: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DB {
  consents: ConsentsTable;
  consent_receipts: ConsentReceiptsTable;
  party_consents: PartyConsentsTable;
}

/** Privacy notices (migration 0015): one row per processing; versions are immutable rows (a trigger refuses changes). */
export interface PrivacyNoticesTable {
  id: string;
  dataset_id: string;
  offer_id: string;
  consumer_did: string;
  purpose: string;
  intermediary_did: string;
  current_version: number;
  incomplete: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PrivacyNoticeVersionsTable {
  notice_id: string;
  version: number;
  hash: string;
  content: Json;
  missing: Json;
  created_at: Timestamp;
}

export interface DB {
  privacy_notices: PrivacyNoticesTable;
  privacy_notice_versions: PrivacyNoticeVersionsTable;
}

/** The person's rights (migration 0017): exchange reports and erasure requests (intermediary), their party side. */
export interface RightsExchangeReportsTable {
  id: string;
  person_id: string;
  consent_id: string;
  reporter_did: string;
  role: 'provider' | 'consumer';
  transfer_id: string;
  state: 'STARTED' | 'COMPLETED' | 'TERMINATED';
  provider_did: string;
  consumer_did: string;
  dataset_id: string;
  at: Timestamp;
  bytes: number | null;
  sha256: string | null;
  reason: string | null;
  jws: string;
  received_at: Timestamp;
}

export interface RightsErasureRequestsTable {
  id: string;
  person_id: string;
  requested_at: Timestamp;
}

export interface RightsErasurePartiesTable {
  request_id: string;
  participant_did: string;
  subject_id: string;
  status: 'sent' | 'delivered' | 'confirmed' | 'refused' | 'undeliverable';
  request_jws: string;
  confirmation_jws: string | null;
  reason: string | null;
  error: string | null;
  updated_at: Timestamp;
  answered_at: Timestamp | null;
}

export interface RightsReceivedErasuresTable {
  id: string;
  intermediary_did: string;
  subject_id: string;
  requested_at: Timestamp;
  request_jws: string;
  status: 'received' | 'erased' | 'refused';
  reason: string | null;
  confirmation_jws: string | null;
  received_at: Timestamp;
  decided_at: Timestamp | null;
}

export interface RightsOutgoingReportsTable {
  id: string;
  intermediary_did: string;
  transfer_id: string;
  state: string;
  facts: Json;
  status: 'due' | 'sent' | 'dropped';
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

export interface DB {
  rights_exchange_reports: RightsExchangeReportsTable;
  rights_erasure_requests: RightsErasureRequestsTable;
  rights_erasure_parties: RightsErasurePartiesTable;
  rights_received_erasures: RightsReceivedErasuresTable;
  rights_outgoing_reports: RightsOutgoingReportsTable;
}

/** The Learning Record Store (migration 0018): xAPI clients, statements and their query side tables. */
export interface LrsClientsTable {
  id: string;
  name: string;
  key: string;
  secret_hash: string;
  scopes: Json;
  created_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface LrsStatementsTable {
  id: string;
  statement: Json;
  stored: Timestamp;
  verb_id: string;
  registration: string | null;
  ref_id: string | null;
  is_voiding: boolean;
  voided: ColumnType<boolean, boolean | undefined, boolean>;
  attachment_hashes: ColumnType<unknown, string | undefined, string>;
}

export interface LrsStatementAgentsTable {
  statement_id: string;
  kind: 'direct' | 'related';
  agent_key: string;
  stored: Timestamp;
}

export interface LrsStatementActivitiesTable {
  statement_id: string;
  kind: 'direct' | 'related';
  activity_id: string;
  stored: Timestamp;
}

export interface LrsAttachmentsTable {
  sha2: string;
  content_type: string;
  content: Buffer;
  created_at: Timestamp;
}

export interface DB {
  lrs_clients: LrsClientsTable;
  lrs_statements: LrsStatementsTable;
  lrs_statement_agents: LrsStatementAgentsTable;
  lrs_statement_activities: LrsStatementActivitiesTable;
  lrs_attachments: LrsAttachmentsTable;
}

/** xAPI documents and canonical Activity definitions (migration 0019). bytea arrives as Buffer (pg) or Uint8Array (PGlite). */
export interface LrsDocumentsTable {
  kind: 'state' | 'activity_profile' | 'agent_profile';
  activity_id: string;
  agent_key: string;
  registration: string;
  doc_id: string;
  content_type: string;
  content: Uint8Array;
  etag: string;
  updated: Timestamp;
}

export interface LrsActivityDefinitionsTable {
  id: string;
  definition: Json;
  updated: Timestamp;
}

export interface DB {
  lrs_documents: LrsDocumentsTable;
  lrs_activity_definitions: LrsActivityDefinitionsTable;
}
