-- Sealed numbers cannot be put back in the clear by SQL, which has no key: going back over
-- them would lose them.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM sealed_values) THEN
        RAISE EXCEPTION 'sealed values are held (residents'' numbers, second-factor secrets): they would be lost';
    END IF;
END
$$;

DROP VIEW sealed_values;
DROP FUNCTION sealed_text_version(TEXT);
DROP TABLE personal_key_checks;
DROP INDEX residents_phone_index;
ALTER TABLE residents
    DROP CONSTRAINT residents_id_number_index_unique,
    DROP CONSTRAINT residents_phone_indexed,
    DROP CONSTRAINT residents_phone_not_twice,
    DROP CONSTRAINT residents_id_number_indexed,
    DROP CONSTRAINT residents_id_number_once,
    DROP COLUMN phone_index,
    DROP COLUMN phone_sealed,
    DROP COLUMN id_number_index,
    DROP COLUMN id_number_sealed,
    ALTER COLUMN id_number SET NOT NULL,
    ALTER COLUMN phone SET NOT NULL;
