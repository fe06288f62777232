-- What mod_linphone_provisioning reads and writes, for the PostgreSQL role
-- Apache connects as, on the database this runs in:
--   psql -d flexiapi -v role=provisioning -f grants-pgsql.sql
-- (create the role first: CREATE ROLE provisioning LOGIN PASSWORD '...')
GRANT SELECT ON accounts, passwords, provisioning_tokens, auth_tokens, api_keys, spaces TO :"role";
GRANT UPDATE (activated, updated_at) ON accounts TO :"role";
GRANT UPDATE (used, ip, user_agent, updated_at) ON provisioning_tokens TO :"role";
GRANT INSERT (account_id, password, algorithm), DELETE ON passwords TO :"role";
GRANT USAGE ON SEQUENCE passwords_id_seq TO :"role";
GRANT DELETE ON auth_tokens TO :"role";
GRANT UPDATE (requests, last_used_at) ON api_keys TO :"role";
-- the contacts list (/contacts/vcard); leave out on a database without them
GRANT SELECT ON contacts, contacts_lists, account_contacts_list, contacts_list_contact, account_types, account_account_type, account_actions TO :"role";
-- FlexiAPI 2.1's realm, algorithm and CardDAV tables; leave out on an
-- older database
GRANT SELECT ON space_digest_authentication_configurations, space_carddav_servers, account_carddav_credentials TO :"role";
