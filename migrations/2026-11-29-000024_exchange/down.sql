DROP TRIGGER exchange_outbox_step ON event_steps;
DROP FUNCTION exchange_outbox_step();
DROP TABLE exchange_outbox;
DROP TABLE exchange_instructions;
DROP TABLE exchange_nonces;
DROP TABLE exchange_peers;
