-- The test databases and the accounts Apache connects as (lp_apache_fail:
-- the one dbfail.t locks), on the mysql server of the test matrix
-- (test/run/databases.sh).
DROP DATABASE IF EXISTS lp_main;
CREATE DATABASE lp_main CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
DROP DATABASE IF EXISTS lp_fail;
CREATE DATABASE lp_fail CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
DROP DATABASE IF EXISTS lp_flexi;
CREATE DATABASE lp_flexi CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
DROP DATABASE IF EXISTS lp_flexi21;
CREATE DATABASE lp_flexi21 CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
DROP DATABASE IF EXISTS lp_nospaces;
CREATE DATABASE lp_nospaces CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
DROP USER IF EXISTS 'lp_apache'@'127.0.0.1';
CREATE USER 'lp_apache'@'127.0.0.1' IDENTIFIED BY 'lp_apache';
DROP USER IF EXISTS 'lp_apache_fail'@'127.0.0.1';
CREATE USER 'lp_apache_fail'@'127.0.0.1' IDENTIFIED BY 'lp_apache_fail';
