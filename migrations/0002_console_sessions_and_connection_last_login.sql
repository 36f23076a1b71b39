CREATE TABLE `console_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`salt` text NOT NULL,
	`token_fingerprint` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `console_sessions_expires` ON `console_sessions` (`expires_at`);--> statement-breakpoint
ALTER TABLE `sso_connections` ADD `last_login_at` integer;