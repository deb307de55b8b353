-- A choice custom field's options (one JSON array of labels), and the kinds a custom field
-- may be (shared/src/engine/custom.rs, `CustomKind::code`). Its values live in the records'
-- `extra`; a filterable one has an expression index `custom_field_<id>` in schema `reg`,
-- built concurrently when the field is added (shared/src/engine/service/custom.rs).
ALTER TABLE custom_fields
    ADD COLUMN options JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(options) = 'array'),
    ADD CONSTRAINT custom_fields_kind CHECK (kind IN ('text', 'long_text', 'integer', 'decimal', 'date', 'boolean', 'choice'));
