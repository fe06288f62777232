-- What mod_linphone_provisioning reads and writes, as a MariaDB/MySQL role
-- on the database this runs in; give the role to the account Apache uses:
--   mariadb flexiapi < grants-mysql.sql
--   GRANT linphone_provisioning TO 'provisioning'@'10.0.0.%';
--   SET DEFAULT ROLE linphone_provisioning FOR 'provisioning'@'10.0.0.%';
CREATE ROLE IF NOT EXISTS linphone_provisioning;
GRANT SELECT ON accounts TO linphone_provisioning;
GRANT SELECT ON passwords TO linphone_provisioning;
GRANT SELECT ON provisioning_tokens TO linphone_provisioning;
GRANT SELECT ON auth_tokens TO linphone_provisioning;
GRANT SELECT ON api_keys TO linphone_provisioning;
GRANT SELECT ON spaces TO linphone_provisioning;
GRANT UPDATE (activated, updated_at) ON accounts TO linphone_provisioning;
GRANT UPDATE (used, ip, user_agent, updated_at) ON provisioning_tokens TO linphone_provisioning;
GRANT INSERT (account_id, password, algorithm), DELETE ON passwords TO linphone_provisioning;
GRANT DELETE ON auth_tokens TO linphone_provisioning;
GRANT UPDATE (requests, last_used_at) ON api_keys TO linphone_provisioning;
-- the contacts list (/contacts/vcard); leave out on a database without them
GRANT SELECT ON contacts TO linphone_provisioning;
GRANT SELECT ON contacts_lists TO linphone_provisioning;
GRANT SELECT ON account_contacts_list TO linphone_provisioning;
GRANT SELECT ON contacts_list_contact TO linphone_provisioning;
GRANT SELECT ON account_types TO linphone_provisioning;
GRANT SELECT ON account_account_type TO linphone_provisioning;
GRANT SELECT ON account_actions TO linphone_provisioning;
-- FlexiAPI 2.1's realm, algorithm and CardDAV tables; leave out on an
-- older database
GRANT SELECT ON space_digest_authentication_configurations TO linphone_provisioning;
GRANT SELECT ON space_carddav_servers TO linphone_provisioning;
GRANT SELECT ON account_carddav_credentials TO linphone_provisioning;
