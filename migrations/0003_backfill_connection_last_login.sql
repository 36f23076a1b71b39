-- A connection with a linked identity has had a successful login: it keeps its Okta tile when another
-- connection shares its issuer (the rule in src/provisioning.ts chooseConnection).
UPDATE `sso_connections` SET `last_login_at` = (
	SELECT max(`created_at`) FROM `identities` WHERE `identities`.`connection_id` = `sso_connections`.`id`
) WHERE `last_login_at` IS NULL;
