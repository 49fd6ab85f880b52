-- Transfers of personal data run under a person's consent (issue 7): the provider keeps which consent authorised
-- the transfer and the person's pseudonymous id at the provider (to bind the source and to stop the transfer when
-- the consent stops); the consumer keeps which consent, at which intermediary, it asks tokens for.
-- { "id", "intermediaryDid"?, "subjectId"?, "expiresAt"? }
alter table transfers add column consent jsonb;
create index transfers_consent on transfers ((consent ->> 'id')) where consent is not null;
