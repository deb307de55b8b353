DROP FUNCTION backup_table_rows(regclass);
DROP FUNCTION backup_table_check(regclass);
