-- After conf/schema/grants-mysql.sql: its role, as the accounts' default.
GRANT linphone_provisioning TO 'lp_apache'@'127.0.0.1';
SET DEFAULT ROLE linphone_provisioning FOR 'lp_apache'@'127.0.0.1';
GRANT linphone_provisioning TO 'lp_apache_fail'@'127.0.0.1';
SET DEFAULT ROLE linphone_provisioning FOR 'lp_apache_fail'@'127.0.0.1';
