CREATE TABLE `setup_links` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`team_id` text NOT NULL,
	`email` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `setup_links_token` ON `setup_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `setup_links_team` ON `setup_links` (`team_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `sso_connections` ADD `status` text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE `sso_connections` ADD `tested_at` integer;