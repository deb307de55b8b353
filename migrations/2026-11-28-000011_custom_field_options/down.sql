ALTER TABLE custom_fields DROP CONSTRAINT custom_fields_kind, DROP COLUMN options;
