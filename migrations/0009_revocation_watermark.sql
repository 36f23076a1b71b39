ALTER TABLE `sessions` ADD `issued_at_ms` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `sessions_valid_after_ms` integer DEFAULT 0 NOT NULL;