-- mod_linphone_provisioning: standalone schema for the sqlite3 APR DBD driver.
-- The tables and columns are those of FlexiAPI (the Linphone account
-- manager), so an existing FlexiAPI database works unchanged; columns the
-- module does not use are kept so FlexiAPI itself can run on this file too.
PRAGMA journal_mode = WAL;   -- readers never block the one writer

CREATE TABLE IF NOT EXISTS accounts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      VARCHAR(64)  NOT NULL,
    domain        VARCHAR(64)  NOT NULL,
    display_name  VARCHAR(255) NULL,
    dtmf_protocol VARCHAR(255) NULL,
    email         VARCHAR(255) NULL,
    activated     BOOLEAN      NOT NULL DEFAULT 0,
    blocked       BOOLEAN      NOT NULL DEFAULT 0,
    created_at    DATETIME     NULL,
    updated_at    DATETIME     NULL,
    UNIQUE (username, domain)
);

CREATE TABLE IF NOT EXISTS passwords (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    password    VARCHAR(255) NOT NULL,
    algorithm   VARCHAR(10)  NOT NULL DEFAULT 'MD5'
);
CREATE INDEX IF NOT EXISTS passwords_account_id_index ON passwords (account_id);

CREATE TABLE IF NOT EXISTS provisioning_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    token       VARCHAR(255) NOT NULL UNIQUE,
    used        BOOLEAN      NOT NULL DEFAULT 0,
    ip          VARCHAR(255) NULL,
    user_agent  VARCHAR(255) NULL,
    created_at  DATETIME     NULL,
    updated_at  DATETIME     NULL
);
CREATE INDEX IF NOT EXISTS provisioning_tokens_account_id_index ON provisioning_tokens (account_id, used);

CREATE TABLE IF NOT EXISTS auth_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER      NULL REFERENCES accounts(id) ON DELETE CASCADE,
    token       VARCHAR(255) NOT NULL UNIQUE,
    created_at  DATETIME     NULL,
    updated_at  DATETIME     NULL
);

CREATE TABLE IF NOT EXISTS api_keys (
    id                               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id                       INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key                              VARCHAR(255) NOT NULL UNIQUE,
    ip                               VARCHAR(255) NULL,
    requests                         INTEGER      NOT NULL DEFAULT 0,
    expires_after_last_used_minutes  INTEGER      NULL,
    last_used_at                     DATETIME     NULL,
    created_at                       DATETIME     NULL,
    updated_at                       DATETIME     NULL
);

CREATE TABLE IF NOT EXISTS spaces (
    id                                          INTEGER PRIMARY KEY AUTOINCREMENT,
    domain                                      VARCHAR(255) NOT NULL UNIQUE,
    host                                        VARCHAR(255) NOT NULL UNIQUE,
    super                                       BOOLEAN      NOT NULL DEFAULT 0,
    account_realm                               VARCHAR(255) NULL,
    custom_provisioning_entries                 TEXT         NULL,
    custom_provisioning_overwrite_all           BOOLEAN      NOT NULL DEFAULT 0,
    provisioning_use_linphone_provisioning_header BOOLEAN    NOT NULL DEFAULT 1,
    disable_chat_feature                        BOOLEAN      NOT NULL DEFAULT 0,
    disable_meetings_feature                    BOOLEAN      NOT NULL DEFAULT 0,
    disable_broadcast_feature                   BOOLEAN      NOT NULL DEFAULT 1,
    hide_settings                               BOOLEAN      NOT NULL DEFAULT 0,
    hide_account_settings                       BOOLEAN      NOT NULL DEFAULT 0,
    disable_call_recordings_feature             BOOLEAN      NOT NULL DEFAULT 0,
    only_display_sip_uri_username               BOOLEAN      NOT NULL DEFAULT 0,
    assistant_hide_create_account               BOOLEAN      NOT NULL DEFAULT 0,
    assistant_disable_qr_code                   BOOLEAN      NOT NULL DEFAULT 0,
    assistant_hide_third_party_account          BOOLEAN      NOT NULL DEFAULT 0,
    max_account                                 INTEGER      NOT NULL DEFAULT 0,
    created_at                                  DATETIME     NULL,
    updated_at                                  DATETIME     NULL
);

-- The contacts list (/contacts/vcard): FlexiAPI's contacts of an account
-- (its own `contacts` rows and the accounts of the contacts lists attached
-- to it), with their types and actions.  Optional: without these tables
-- every list is empty.
CREATE TABLE IF NOT EXISTS contacts (
    account_id  INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    contact_id  INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at  DATETIME     NULL,
    updated_at  DATETIME     NULL,
    UNIQUE (account_id, contact_id)
);

CREATE TABLE IF NOT EXISTS account_types (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    key         VARCHAR(64)  NOT NULL,
    created_at  DATETIME     NULL,
    updated_at  DATETIME     NULL,
    UNIQUE (key)
);

CREATE TABLE IF NOT EXISTS account_account_type (
    account_id       INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    account_type_id  INTEGER      NOT NULL REFERENCES account_types(id) ON DELETE CASCADE,
    created_at       DATETIME     NULL,
    updated_at       DATETIME     NULL,
    UNIQUE (account_id, account_type_id)
);

CREATE TABLE IF NOT EXISTS account_actions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key         VARCHAR(255) NOT NULL,
    code        VARCHAR(255) NOT NULL,
    created_at  DATETIME     NULL,
    updated_at  DATETIME     NULL
);
CREATE INDEX IF NOT EXISTS account_actions_account_id_index ON account_actions (account_id);

CREATE TABLE IF NOT EXISTS contacts_lists (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    title        VARCHAR(255) NOT NULL,
    description  TEXT         NULL,
    created_at   DATETIME     NULL,
    updated_at   DATETIME     NULL,
    UNIQUE (title)
);

CREATE TABLE IF NOT EXISTS account_contacts_list (
    account_id        INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    contacts_list_id  INTEGER      NOT NULL REFERENCES contacts_lists(id) ON DELETE CASCADE,
    created_at        DATETIME     NULL,
    updated_at        DATETIME     NULL,
    UNIQUE (account_id, contacts_list_id)
);

CREATE TABLE IF NOT EXISTS contacts_list_contact (
    contact_id        INTEGER      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    contacts_list_id  INTEGER      NOT NULL REFERENCES contacts_lists(id) ON DELETE CASCADE,
    created_at        DATETIME     NULL,
    updated_at        DATETIME     NULL,
    UNIQUE (contact_id, contacts_list_id)
);
CREATE INDEX IF NOT EXISTS contacts_list_contact_contacts_list_id_index ON contacts_list_contact (contacts_list_id);
