-- A skip whose cause lies outside the file (missing, unreadable now, no space) is retried on the next
-- run; one whose cause is in the file (not an image, a bomb, truncated) only when the file changes.
ALTER TABLE skipped ADD COLUMN transient INTEGER NOT NULL DEFAULT 0;
