CREATE TABLE `scim_group_members` (
	`group_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`group_id`, `user_id`),
	FOREIGN KEY (`group_id`) REFERENCES `scim_groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `scim_group_members_user` ON `scim_group_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `scim_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`display_name` text NOT NULL,
	`external_id` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scim_groups_team_name` ON `scim_groups` (`team_id`,`display_name`);--> statement-breakpoint
CREATE TABLE `scim_users` (
	`team_id` text NOT NULL,
	`user_id` text NOT NULL,
	`status` text NOT NULL,
	`external_id` text,
	`given_name` text,
	`family_name` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`team_id`, `user_id`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `scim_users_user` ON `scim_users` (`user_id`);--> statement-breakpoint
CREATE TABLE `used_token_ids` (
	`issuer` text NOT NULL,
	`jti` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`issuer`, `jti`)
);
--> statement-breakpoint
CREATE INDEX `used_token_ids_expires` ON `used_token_ids` (`expires_at`);--> statement-breakpoint
ALTER TABLE `sessions` ADD `id_token_sealed` text;--> statement-breakpoint
ALTER TABLE `sso_connections` ADD `scim_token_hash` text;--> statement-breakpoint
ALTER TABLE `sso_connections` ADD `end_idp_session` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `sso_connections_scim_token` ON `sso_connections` (`scim_token_hash`);--> statement-breakpoint
ALTER TABLE `teams` ADD `admin_group` text;