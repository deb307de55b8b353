-- A table's rows and order-free checksum for backups and restore drills
-- (shared/src/operations/backup.rs): the table is passed as a bound regclass, and its name is
-- quoted here by format('%s', regclass), so the application never writes a name into SQL.
-- The checksum is the sum of 60 bits of each row's MD5: the same rows in any order give the
-- same sum, without a sort. Dumped with the database, so a restored copy has them too.
CREATE FUNCTION backup_table_check(t regclass, OUT rows bigint, OUT checksum text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    EXECUTE format('SELECT count(*)::bigint, coalesce(sum((''x'' || left(md5(r::text), 15))::bit(60)::bigint), 0)::text FROM %s r', t)
        INTO rows, checksum;
END
$$;

CREATE FUNCTION backup_table_rows(t regclass) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %s', t) INTO n;
    RETURN n;
END
$$;
