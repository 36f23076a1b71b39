CREATE TABLE `webhook_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`type` text NOT NULL,
	`team_id` text,
	`data` text NOT NULL,
	`delivered_at` integer,
	`dead_at` integer,
	`resent_at` integer
);
--> statement-breakpoint
CREATE INDEX `webhook_outbox_pending` ON `webhook_outbox` (`delivered_at`,`dead_at`,`at`);--> statement-breakpoint
CREATE INDEX `webhook_outbox_at` ON `webhook_outbox` (`at`);--> statement-breakpoint
CREATE TABLE `audit_streams` (
	`team_id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`secret_sealed` text NOT NULL,
	`cursor` integer DEFAULT 0 NOT NULL,
	`leased_until` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `events_team_seq` ON `events` (`team_id`);
