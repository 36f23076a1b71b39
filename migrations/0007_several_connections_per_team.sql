DROP INDEX `sso_connections_team`;--> statement-breakpoint
CREATE INDEX `sso_connections_team` ON `sso_connections` (`team_id`,`created_at`,`id`);