DROP TABLE event_step_audit_queue;
