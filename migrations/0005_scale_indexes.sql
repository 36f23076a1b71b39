DROP INDEX `events_team_at`;--> statement-breakpoint
DROP INDEX `events_at`;--> statement-breakpoint
CREATE INDEX `events_team_at` ON `events` (`team_id`,`at`,`id`);--> statement-breakpoint
CREATE INDEX `events_at` ON `events` (`at`,`id`);--> statement-breakpoint
DROP INDEX `memberships_team`;--> statement-breakpoint
CREATE INDEX `memberships_team` ON `memberships` (`team_id`,`created_at`,`user_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE INDEX `teams_created` ON `teams` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `used_login_states_expires` ON `used_login_states` (`expires_at`);