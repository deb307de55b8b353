DROP TABLE job_runs;
DROP TABLE backup_runs;
