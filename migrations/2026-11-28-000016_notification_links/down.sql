ALTER TABLE notifications DROP COLUMN link;
