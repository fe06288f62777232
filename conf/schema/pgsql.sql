-- mod_linphone_provisioning: standalone schema for the pgsql APR DBD driver
-- (PostgreSQL 12 or later).  The same tables and columns as sqlite3.sql,
-- typed as FlexiAPI's Laravel migrations type them on PostgreSQL (integer
-- or bigint ids, boolean, timestamp(0) without time zone, varchar), so an
-- existing FlexiAPI database works unchanged and FlexiAPI could use this one.
--
--   createdb -E UTF8 linphone && psql -d linphone -f conf/schema/pgsql.sql
--
-- Timestamps hold UTC as 'YYYY-MM-DD HH:MM:SS'.

CREATE TABLE IF NOT EXISTS accounts (
    id            SERIAL       PRIMARY KEY,
    username      VARCHAR(64)  NOT NULL,
    domain        VARCHAR(64)  NOT NULL,
    display_name  VARCHAR(255) NULL,
    dtmf_protocol VARCHAR(255) NULL,
    email         VARCHAR(255) NULL,
    activated     BOOLEAN      NOT NULL DEFAULT FALSE,
    blocked       BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    updated_at    TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    CONSTRAINT accounts_username_domain_unique UNIQUE (username, domain)
);

CREATE TABLE IF NOT EXISTS passwords (
    id          SERIAL       PRIMARY KEY,
    account_id  INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    password    VARCHAR(255) NOT NULL,
    algorithm   VARCHAR(10)  NOT NULL DEFAULT 'MD5'
);
CREATE INDEX IF NOT EXISTS passwords_account_id_index ON passwords (account_id);

CREATE TABLE IF NOT EXISTS provisioning_tokens (
    id          SERIAL       PRIMARY KEY,
    account_id  INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    token       VARCHAR(255) NOT NULL,
    used        BOOLEAN      NOT NULL DEFAULT FALSE,
    ip          VARCHAR(255) NULL,
    user_agent  VARCHAR(255) NULL,
    created_at  TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    updated_at  TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    CONSTRAINT provisioning_tokens_token_unique UNIQUE (token)
);
CREATE INDEX IF NOT EXISTS provisioning_tokens_account_id_index ON provisioning_tokens (account_id, used);

CREATE TABLE IF NOT EXISTS auth_tokens (
    id          BIGSERIAL    PRIMARY KEY,
    account_id  INTEGER      NULL REFERENCES accounts(id) ON DELETE CASCADE,
    token       VARCHAR(255) NOT NULL,
    created_at  TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    updated_at  TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    CONSTRAINT auth_tokens_token_unique UNIQUE (token)
);

CREATE TABLE IF NOT EXISTS api_keys (
    id                               SERIAL       PRIMARY KEY,
    account_id                       INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key                              VARCHAR(255) NOT NULL,
    ip                               VARCHAR(255) NULL,
    requests                         INTEGER      NOT NULL DEFAULT 0,
    expires_after_last_used_minutes  INTEGER      NULL,
    last_used_at                     TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    created_at                       TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    updated_at                       TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    CONSTRAINT api_keys_key_unique UNIQUE (key)
);

CREATE TABLE IF NOT EXISTS spaces (
    id                                          BIGSERIAL    PRIMARY KEY,
    domain                                      VARCHAR(255) NOT NULL UNIQUE,
    host                                        VARCHAR(255) NOT NULL UNIQUE,
    super                                       BOOLEAN      NOT NULL DEFAULT FALSE,
    account_realm                               VARCHAR(255) NULL,
    custom_provisioning_entries                 TEXT         NULL,
    custom_provisioning_overwrite_all           BOOLEAN      NOT NULL DEFAULT FALSE,
    provisioning_use_linphone_provisioning_header BOOLEAN    NOT NULL DEFAULT TRUE,
    disable_chat_feature                        BOOLEAN      NOT NULL DEFAULT FALSE,
    disable_meetings_feature                    BOOLEAN      NOT NULL DEFAULT FALSE,
    disable_broadcast_feature                   BOOLEAN      NOT NULL DEFAULT TRUE,
    hide_settings                               BOOLEAN      NOT NULL DEFAULT FALSE,
    hide_account_settings                       BOOLEAN      NOT NULL DEFAULT FALSE,
    disable_call_recordings_feature             BOOLEAN      NOT NULL DEFAULT FALSE,
    only_display_sip_uri_username               BOOLEAN      NOT NULL DEFAULT FALSE,
    assistant_hide_create_account               BOOLEAN      NOT NULL DEFAULT FALSE,
    assistant_disable_qr_code                   BOOLEAN      NOT NULL DEFAULT FALSE,
    assistant_hide_third_party_account          BOOLEAN      NOT NULL DEFAULT FALSE,
    max_account                                 INTEGER      NOT NULL DEFAULT 0,
    created_at                                  TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    updated_at                                  TIMESTAMP(0) WITHOUT TIME ZONE NULL
);

-- The contacts list (/contacts/vcard): FlexiAPI's contacts of an account
-- (its own `contacts` rows and the accounts of the contacts lists attached
-- to it), with their types and actions.  Optional: without these tables
-- every list is empty.
CREATE TABLE IF NOT EXISTS contacts (
    account_id  INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    contact_id  INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at  TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    updated_at  TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    CONSTRAINT contacts_account_id_contact_id_unique UNIQUE (account_id, contact_id)
);

CREATE TABLE IF NOT EXISTS account_types (
    id          SERIAL       PRIMARY KEY,
    key         VARCHAR(255) NOT NULL,
    created_at  TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    updated_at  TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    CONSTRAINT account_types_key_unique UNIQUE (key)
);

CREATE TABLE IF NOT EXISTS account_account_type (
    account_id       INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    account_type_id  INTEGER      NOT NULL REFERENCES account_types(id) ON DELETE CASCADE,
    created_at       TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    updated_at       TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    CONSTRAINT account_account_type_account_id_account_type_id_unique UNIQUE (account_id, account_type_id)
);

CREATE TABLE IF NOT EXISTS account_actions (
    id          BIGSERIAL    PRIMARY KEY,
    account_id  INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key         VARCHAR(255) NOT NULL,
    code        VARCHAR(255) NOT NULL,
    created_at  TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    updated_at  TIMESTAMP(0) WITHOUT TIME ZONE NULL
);
CREATE INDEX IF NOT EXISTS account_actions_account_id_index ON account_actions (account_id);

CREATE TABLE IF NOT EXISTS contacts_lists (
    id           BIGSERIAL    PRIMARY KEY,
    title        VARCHAR(255) NOT NULL,
    description  TEXT         NULL,
    created_at   TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    updated_at   TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    CONSTRAINT contacts_lists_title_unique UNIQUE (title)
);

CREATE TABLE IF NOT EXISTS account_contacts_list (
    account_id        INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    contacts_list_id  BIGINT       NOT NULL REFERENCES contacts_lists(id) ON DELETE CASCADE,
    created_at        TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    updated_at        TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    CONSTRAINT account_contacts_list_account_id_contacts_list_id_unique UNIQUE (account_id, contacts_list_id)
);

CREATE TABLE IF NOT EXISTS contacts_list_contact (
    contact_id        INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    contacts_list_id  BIGINT       NOT NULL REFERENCES contacts_lists(id) ON DELETE CASCADE,
    created_at        TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    updated_at        TIMESTAMP(0) WITHOUT TIME ZONE NULL,
    CONSTRAINT contacts_list_contact_contact_id_contacts_list_id_unique UNIQUE (contact_id, contacts_list_id)
);
CREATE INDEX IF NOT EXISTS contacts_list_contact_contacts_list_id_index ON contacts_list_contact (contacts_list_id);
