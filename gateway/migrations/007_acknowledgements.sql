-- Up Migration

-- Each acknowledgement a receiving system sent for a letter, MedCom Acknowledgement 2.0 style:
-- its own MessageHeader.id (a resend keeps it, so a repeat is recognised), the response code and
-- the OperationOutcome issues. The latest one is what GET /v1/messages/{id}/acknowledgement
-- relays to the sending system; a transient-error leaves the letter open for a later ok or
-- fatal-error, so a letter may have several.
CREATE TABLE acknowledgements (
  message_header_id  text PRIMARY KEY CHECK (message_header_id ~ '^[A-Za-z0-9.-]{1,64}$'),
  letter_id          uuid NOT NULL REFERENCES letters (id),
  code               text NOT NULL CHECK (code IN ('ok', 'transient-error', 'fatal-error')),
  issues             jsonb NOT NULL DEFAULT '[]',
  actor_id           uuid,
  received_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX acknowledgements_letter ON acknowledgements (letter_id, received_at);

-- Down Migration
DROP TABLE acknowledgements;
