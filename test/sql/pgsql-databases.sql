-- The test databases and the account Apache connects as, on the pgsql
-- server of the test matrix (test/run/databases.sh).
DROP DATABASE IF EXISTS lp_main;
CREATE DATABASE lp_main ENCODING 'UTF8' TEMPLATE template0;
DROP DATABASE IF EXISTS lp_fail;
CREATE DATABASE lp_fail ENCODING 'UTF8' TEMPLATE template0;
DROP DATABASE IF EXISTS lp_flexi;
CREATE DATABASE lp_flexi ENCODING 'UTF8' TEMPLATE template0;
DROP DATABASE IF EXISTS lp_flexi21;
CREATE DATABASE lp_flexi21 ENCODING 'UTF8' TEMPLATE template0;
DROP DATABASE IF EXISTS lp_nospaces;
CREATE DATABASE lp_nospaces ENCODING 'UTF8' TEMPLATE template0;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lp_apache') THEN
        CREATE ROLE lp_apache LOGIN PASSWORD 'lp_apache';
    END IF;
END $$;
