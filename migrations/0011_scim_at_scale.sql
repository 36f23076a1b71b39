-- SCIM as Okta and Entra send it: userName kept as sent (unique per team, case-insensitively, among users
-- not deleted), and group displayNames unique per team case-insensitively (case-duplicates renamed first).
ALTER TABLE `scim_users` ADD `user_name` text;--> statement-breakpoint
UPDATE `scim_users` SET `user_name` = (SELECT `email` FROM `users` WHERE `users`.`id` = `scim_users`.`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `scim_users_team_user_name` ON `scim_users` (`team_id`,lower(`user_name`)) WHERE `status` != 'deleted';--> statement-breakpoint
UPDATE `scim_groups` SET `display_name` = `display_name` || ' (' || `id` || ')' WHERE EXISTS (SELECT 1 FROM `scim_groups` AS `earlier` WHERE `earlier`.`team_id` = `scim_groups`.`team_id` AND lower(`earlier`.`display_name`) = lower(`scim_groups`.`display_name`) AND `earlier`.`id` < `scim_groups`.`id`);--> statement-breakpoint
DROP INDEX `scim_groups_team_name`;--> statement-breakpoint
CREATE UNIQUE INDEX `scim_groups_team_name` ON `scim_groups` (`team_id`,lower(`display_name`));
