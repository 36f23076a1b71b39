CREATE TABLE `used_login_states` (
	`state_hash` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `events` ADD `count` integer DEFAULT 1 NOT NULL;