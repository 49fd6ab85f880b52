import { hostname } from 'node:os';
import { migrate, openDatabase, type Database } from '../db/index.js';
import { createCatalog } from '../catalog/index.js';
import { contextRoutes, createDsp } from '../dsp/index.js';
import { createFederation } from '../federation/index.js';
import { createIdentity, type Identity } from '../identity/index.js';
import { createLedger, createWitnessing, type Ledger } from '../ledger/index.js';
import { createOutbox, type Outbox } from '../outbox/index.js';
import { createContracts } from '../contracts/index.js';
import { createNegotiation } from '../negotiation/index.js';
import { createParticipants } from '../participants/index.js';
import { createPolicyRoutes } from '../policy/index.js';
import { createRulebook } from '../rulebook/index.js';
import { createDataPlane, type TransferGate } from '../dataplane/index.js';
import { createReceipts } from '../receipts/index.js';
import { createTransfers, type Transfers } from '../transfer/index.js';
import { createUsage } from '../usage/index.js';
import { createPeople } from '../people/index.js';
import { createNotices, createNoticesClient } from '../notices/index.js';
import { createConsent } from '../consent/index.js';
import { dashboardRoutes } from '../dashboard/index.js';
import { createRights } from '../rights/index.js';
import { createXapiTools } from '../xapi/index.js';
import { createLrs, statementFilterFromParams } from '../lrs/index.js';
import { createLogger, randomIds, systemClock, type Clock, type Config, type IdGenerator, type Logger, type RouteEntry } from '../kernel/index.js';
import { createHttpApp, type App } from './http-app.js';
import { systemRoutes } from './system.routes.js';

export interface NodeOptions {
  config: Config;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  fetch?: typeof fetch;
}

export interface DasesNode {
  app: App;
  /** Every route with the authentication it declares (the authorisation test walks it). */
  routes: RouteEntry[];
  /** Compiles now the validators and serializers that routes otherwise compile on their first request; how many. */
  compileSchemas(): number;
  config: Config;
  did: string;
  identity: Identity;
  ledger: Ledger;
  outbox: Outbox;
  transfers: Transfers;
  database: Database;
  /** Starts background jobs (federated crawl, token sweeping). The CLI's offline mode does not call it. */
  startJobs(): void;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The composition root: opens storage, runs migrations, builds every context from its index.ts and mounts
 * their routes on one HTTP app. Building is separate from listening so tests and the CLI can use `inject`.
 */
export async function buildNode(opts: NodeOptions): Promise<DasesNode> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? randomIds;
  const logger = opts.logger ?? createLogger(config.logLevel);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, preparedStatements: config.dbPreparedStatements });
  try {
    const applied = await migrate(database);
    if (applied.length) logger.info({ applied }, 'database migrated');
    const { db } = database;

    const identity = await createIdentity({
      db,
      clock,
      ids,
      logger,
      publicUrl: config.publicUrl,
      dataDir: config.dataDir,
      masterKey: config.masterKey,
      adminApiKey: config.adminApiKey,
      didCacheTtlSeconds: config.didCacheTtl,
      profile: {
        name: config.name,
        legalName: config.legalName,
        registrationNumber: config.registrationNumber,
        headquarters: config.headquarters,
        legalAddress: config.legalAddress,
        roles: config.roles,
        contact: config.contact,
      },
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
    const holder = `${hostname()}:${process.pid}:${ids.uuid()}`;
    // Inter-node messages that must survive a restart (negotiation, contracts, rulebook) leave through it.
    const outbox = createOutbox({ db, clock, ids, logger, tokens: identity.tokens, holder, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
    const ledger = createLedger({ db, clock, logger, did: identity.did, signer: identity.signer, engine: database.kind });
    // Registry and catalog changes are appended to the log inside the transaction that makes them.
    const audit = { record: async (tx: Parameters<Ledger['append']>[0], e: Omit<Parameters<Ledger['append']>[1], 'actor'>) => void (await ledger.append(tx, { ...e, actor: identity.did })) };
    const participants = createParticipants({ db, clock, logger, identity, audit, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
    const node = { did: identity.did, name: config.name, publicUrl: config.publicUrl };
    const catalog = createCatalog({ db, clock, ids, logger, node, audit });
    const dsp = createDsp({ catalog: catalog.reader, tokens: identity.tokens, node, logger, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
    const witnessing = createWitnessing({
      db,
      clock,
      logger,
      did: identity.did,
      ledger,
      tokens: identity.tokens,
      resolver: identity.resolver,
      signer: identity.signer,
      participants: participants.directory,
      intervalSeconds: config.witnessInterval,
      holder,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
    const federation = createFederation({
      db,
      clock,
      logger,
      participants: participants.directory,
      client: dsp.client,
      crawlIntervalSeconds: config.crawlInterval,
      holder,
    });

    const contracts = createContracts({ db, clock, ids, logger, did: identity.did, signer: identity.signer, resolver: identity.resolver, ledger, outbox, participants: participants.directory });
    // DSP contract negotiation (provider and consumer); its messages leave through the outbox, its agreements are contracts.
    const negotiation = createNegotiation({ db, clock, ids, logger, node, outbox, contracts, catalog: catalog.reader, participants: participants.directory, catalogClient: dsp.client });

    // The person at the centre (issue 7): people and their links (intermediary), privacy notices (controller),
    // consents (intermediary and parties), the dashboard. Every node has the parties' side; the intermediary role
    // (DASES_ROLES) opens the people's side.
    const intermediary = config.roles.includes('personal-data-intermediary');
    const people = createPeople({ db, clock, ids, logger, node, intermediary, tokens: identity.tokens, participants: participants.directory, sessionTtlSeconds: config.sessionTtl, scryptCost: config.scryptCost, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
    const notices = createNotices({ db, clock, ids, logger, node, profile: () => identity.profile(), dpoContact: config.dpoContact, supervisoryAuthority: config.supervisoryAuthority, catalog: catalog.reader, participants: participants.directory });
    const consent = createConsent({
      db,
      clock,
      ids,
      logger,
      node,
      intermediary,
      signer: identity.signer,
      resolver: identity.resolver,
      ledger,
      outbox,
      participants: participants.directory,
      people,
      notices: createNoticesClient({ tokens: identity.tokens, participants: participants.directory, logger, ...(opts.fetch ? { fetch: opts.fetch } : {}) }),
      consentTokenTtlSeconds: config.consentTokenTtl,
      defaultConsentDays: config.consentDays,
      holder,
      tokens: identity.tokens,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
    // The xAPI Learning Record Store at /xapi (issue 8): statements, documents, its clients.
    const lrs = createLrs({ db, clock, ids, logger, node, corsOrigins: config.lrsCorsOrigins });
    // Learning data (issue 8): converters to xAPI, profile validation, pseudonyms keyed by a key derived from the
    // master key (never stored), as accounts on this node's home page.
    const xapi = createXapiTools({ clock, pseudonym: { homePage: config.publicUrl, key: () => identity.sealer.derive('xapi pseudonyms') } });
    // An LRS query offered as a dataset: its statements stream out through the data plane, pseudonymised if asked.
    const lrsStatements = {
      async *statements(query: Record<string, string>, opts: { pseudonymise: boolean }) {
        for await (const s of lrs.query(statementFilterFromParams(query))) yield opts.pseudonymise ? xapi.pseudonymise(s as Record<string, unknown>) : s;
      },
    };
    // The person's rights: exchanges reported by the parties, the export, erasure requests and their answers.
    const rights = createRights({ db, clock, ids, logger, node, intermediary, signer: identity.signer, resolver: identity.resolver, ledger, outbox, participants: participants.directory, people, consents: consent });

    const { app, metrics, routes, compileSchemas } = await createHttpApp({
      logger,
      bodyLimit: config.bodyLimit,
      authenticator: { ...identity.authenticatorFor(participants.directory), person: (token) => people.authenticate(token), lrsClient: (key, secret) => lrs.authenticate(key, secret) },
      title: `dases node: ${config.name}`,
    });
    await app.register(systemRoutes({ database, metrics, did: identity.did }));
    await app.register(identity.routes);
    await app.register(ledger.routes);
    await app.register(witnessing.routes);
    await app.register(participants.routes);
    await app.register(catalog.routes);
    await app.register(dsp.routes);
    await app.register(contextRoutes);
    await app.register(federation.routes);
    await app.register(createPolicyRoutes({ clock, ids }));
    await app.register(contracts.routes);
    await app.register(negotiation.routes);
    // Policy templates and ecosystems (rulebooks): invitations and acceptances leave through the outbox, the
    // multi-party contract through contracts.
    const rulebook = createRulebook({ db, clock, ids, logger, did: identity.did, signer: identity.signer, resolver: identity.resolver, tokens: identity.tokens, participants: participants.directory, ledger, outbox, contracts, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
    await app.register(rulebook.routes);

    // Transfers: the DSP transfer process (control plane) decides, the data plane moves the bytes and asks the
    // control plane on every request (the gate is bound once both exist), usage control decides with atomic
    // counters, and both nodes sign a receipt of every completed exchange into their logs.
    const gate: TransferGate = {
      authorizePull: (id, did, agreementId) => transfers.gate.authorizePull(id, did, agreementId),
      authorizePush: (id, did) => transfers.gate.authorizePush(id, did),
      streamEnded: (id, side, m) => transfers.gate.streamEnded(id, side, m),
    };
    const dataPlane = createDataPlane({
      db,
      clock,
      ids,
      logger,
      node,
      signer: identity.signer,
      sealer: identity.sealer,
      gate,
      tokenTtlSeconds: config.transferTokenTtl,
      audit,
      lrs: lrsStatements,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
    const usage = createUsage({
      db,
      clock,
      logger,
      agreements: negotiation,
      contracts,
      // Agreements name datasets by their DSP id (urn:uuid:…); the catalog by uuid.
      datasets: {
        getOfferedDataset: async (id) => {
          const found = await catalog.reader.getOfferedDataset(id.replace(/^urn:uuid:/i, ''));
          return found && { containsPersonalData: found.dataset.containsPersonalData };
        },
      },
    });
    const receipts = createReceipts({ db, clock, ids, logger, did: identity.did, signer: identity.signer, resolver: identity.resolver, ledger, outbox, participants: participants.directory });
    const transfers = createTransfers({
      db,
      clock,
      ids,
      logger,
      node,
      outbox,
      participants: participants.directory,
      agreements: negotiation,
      datasets: catalog.reader,
      usage,
      receipts,
      dataPlane,
      negotiation,
      catalogClient: dsp.client,
      consent,
      consentTokens: { tokenFor: async ({ intermediaryDid, consentId }) => (await consent.consentToken(intermediaryDid, consentId)).token },
      exchangeReports: rights,
      monitorIntervalMs: config.policyMonitorInterval,
      holder,
    });
    await app.register(dataPlane.routes);
    await app.register(transfers.routes);
    await app.register(receipts.routes);
    await app.register(people.routes);
    await app.register(notices.routes);
    await app.register(consent.routes);
    await app.register(rights.routes);
    await app.register(dashboardRoutes());
    await app.register(xapi.routes);
    await app.register(lrs.routes);
    await app.ready();

    let sweeper: NodeJS.Timeout | undefined;
    return {
      app,
      routes,
      compileSchemas,
      config,
      did: identity.did,
      identity,
      ledger,
      outbox,
      transfers,
      database,
      startJobs() {
        outbox.start();
        transfers.start();
        receipts.start();
        consent.start();
        rights.start();
        federation.start();
        witnessing.start();
        sweeper = setInterval(() => void identity.sweepSeenTokens().catch((e) => logger.warn({ err: e }, 'token sweep failed')), 60_000);
        sweeper.unref();
      },
      async listen() {
        // Node's default accept queue (511) overflows when a thousand xAPI clients connect at once, and a refused
        // SYN is retried only after a second; the kernel caps this at net.core.somaxconn.
        return app.listen({ port: config.port, host: config.host, backlog: 4096 });
      },
      async close() {
        federation.stop();
        witnessing.stop();
        await transfers.stop();
        receipts.stop();
        consent.stop();
        rights.stop();
        await outbox.stop();
        if (sweeper) clearInterval(sweeper);
        await app.close();
        // Streams that ended as the server closed are still being recorded (their measurement, the transfer's end).
        await dataPlane.settled();
        await database.close();
      },
    };
  } catch (e) {
    await database.close().catch(() => undefined);
    throw e;
  }
}
