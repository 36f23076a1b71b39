CREATE TABLE `email_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`purpose` text NOT NULL,
	`expires_at` integer NOT NULL,
	`consumed_by` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `email_tokens_user` ON `email_tokens` (`user_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_team_domains` (
	`team_id` text NOT NULL,
	`domain` text NOT NULL,
	`verified` integer DEFAULT true NOT NULL,
	`verification_token` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`team_id`, `domain`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_team_domains`("team_id", "domain", "verified") SELECT "team_id", "domain", 1 FROM `team_domains`;--> statement-breakpoint
DROP TABLE `team_domains`;--> statement-breakpoint
ALTER TABLE `__new_team_domains` RENAME TO `team_domains`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `team_domains_verified` ON `team_domains` (`domain`) WHERE "team_domains"."verified" = 1;--> statement-breakpoint
CREATE INDEX `team_domains_domain` ON `team_domains` (`domain`);--> statement-breakpoint
ALTER TABLE `users` ADD `email_verified` integer DEFAULT false NOT NULL;