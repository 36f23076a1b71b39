-- Policies a customer's security review asks for: session policy per team, acr_values and the groups
-- claim per connection, and where a member's role came from (sso, scim, support, owner).
ALTER TABLE `teams` ADD `session_max_age_hours` integer DEFAULT 336 NOT NULL;--> statement-breakpoint
ALTER TABLE `teams` ADD `idle_timeout_minutes` integer;--> statement-breakpoint
ALTER TABLE `sso_connections` ADD `acr_values` text;--> statement-breakpoint
ALTER TABLE `sso_connections` ADD `groups_claim` text DEFAULT 'groups' NOT NULL;--> statement-breakpoint
ALTER TABLE `memberships` ADD `role_source` text;--> statement-breakpoint
UPDATE `memberships` SET `role_source` = 'owner' WHERE `role` = 'owner';--> statement-breakpoint
-- SCIM stays authoritative between logins: a change to the membership of the team's admin group hands
-- the member's role back to SCIM (a role the last login set from the ID token no longer stands).
CREATE TRIGGER `scim_admin_group_join` AFTER INSERT ON `scim_group_members`
BEGIN
  UPDATE `memberships` SET `role` = 'member', `role_source` = 'scim'
  WHERE `user_id` = NEW.`user_id` AND `role_source` = 'sso' AND `team_id` IN (
    SELECT g.`team_id` FROM `scim_groups` g JOIN `teams` t ON t.`id` = g.`team_id`
    WHERE g.`id` = NEW.`group_id` AND t.`admin_group` = g.`display_name`
  );
END;--> statement-breakpoint
CREATE TRIGGER `scim_admin_group_leave` AFTER DELETE ON `scim_group_members`
BEGIN
  UPDATE `memberships` SET `role` = 'member', `role_source` = 'scim'
  WHERE `user_id` = OLD.`user_id` AND `role_source` = 'sso' AND `team_id` IN (
    SELECT g.`team_id` FROM `scim_groups` g JOIN `teams` t ON t.`id` = g.`team_id`
    WHERE g.`id` = OLD.`group_id` AND t.`admin_group` = g.`display_name`
  );
END;
