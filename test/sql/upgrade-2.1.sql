-- What FlexiAPI 2.1's migrations drop from the tables the module reads;
-- test/run/databases.sh adds 2.1's new tables after it.
ALTER TABLE spaces DROP COLUMN account_realm;
ALTER TABLE spaces DROP COLUMN provisioning_use_linphone_provisioning_header;
