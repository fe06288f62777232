-- mod_linphone_provisioning: standalone schema for the mysql APR DBD driver
-- (MariaDB 10.5+ or MySQL 8, InnoDB).  The same tables and columns as
-- sqlite3.sql, typed as FlexiAPI's Laravel migrations type them on MySQL
-- (int unsigned or bigint unsigned ids, tinyint(1) booleans, varchar,
-- utf8mb4), so an existing FlexiAPI database works unchanged and FlexiAPI
-- could use this one.  Timestamps are DATETIME: UTC text as written, not
-- converted by the session time zone.  Tokens and keys compare exactly
-- (utf8mb4_bin); the module also checks the match itself, for FlexiAPI's
-- own case-insensitive columns.
--
--   mariadb -e 'CREATE DATABASE linphone CHARACTER SET utf8mb4' && mariadb linphone < conf/schema/mysql.sql

SET NAMES utf8mb4;

CREATE TABLE IF NOT EXISTS accounts (
    id            INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    username      VARCHAR(64)  NOT NULL,
    domain        VARCHAR(64)  NOT NULL,
    display_name  VARCHAR(255) NULL,
    dtmf_protocol VARCHAR(255) NULL,
    email         VARCHAR(255) NULL,
    activated     TINYINT(1)   NOT NULL DEFAULT 0,
    blocked       TINYINT(1)   NOT NULL DEFAULT 0,
    created_at    DATETIME     NULL,
    updated_at    DATETIME     NULL,
    UNIQUE KEY accounts_username_domain_unique (username, domain)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS passwords (
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id  INT UNSIGNED NOT NULL,
    password    VARCHAR(255) NOT NULL,
    algorithm   VARCHAR(10)  NOT NULL DEFAULT 'MD5',
    KEY passwords_account_id_index (account_id),
    CONSTRAINT passwords_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS provisioning_tokens (
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id  INT UNSIGNED NOT NULL,
    token       VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
    used        TINYINT(1)   NOT NULL DEFAULT 0,
    ip          VARCHAR(255) NULL,
    user_agent  VARCHAR(255) NULL,
    created_at  DATETIME     NULL,
    updated_at  DATETIME     NULL,
    UNIQUE KEY provisioning_tokens_token_unique (token),
    KEY provisioning_tokens_account_id_index (account_id, used),
    CONSTRAINT provisioning_tokens_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS auth_tokens (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id  INT UNSIGNED NULL,
    token       VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
    created_at  DATETIME     NULL,
    updated_at  DATETIME     NULL,
    UNIQUE KEY auth_tokens_token_unique (token),
    CONSTRAINT auth_tokens_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS api_keys (
    id                               INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id                       INT UNSIGNED NOT NULL,
    `key`                            VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
    ip                               VARCHAR(255) NULL,
    requests                         INT          NOT NULL DEFAULT 0,
    expires_after_last_used_minutes  INT          NULL,
    last_used_at                     DATETIME     NULL,
    created_at                       DATETIME     NULL,
    updated_at                       DATETIME     NULL,
    UNIQUE KEY api_keys_key_unique (`key`),
    CONSTRAINT api_keys_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS spaces (
    id                                          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    domain                                      VARCHAR(255) NOT NULL,
    host                                        VARCHAR(255) NOT NULL,
    super                                       TINYINT(1)   NOT NULL DEFAULT 0,
    account_realm                               VARCHAR(255) NULL,
    custom_provisioning_entries                 TEXT         NULL,
    custom_provisioning_overwrite_all           TINYINT(1)   NOT NULL DEFAULT 0,
    provisioning_use_linphone_provisioning_header TINYINT(1) NOT NULL DEFAULT 1,
    disable_chat_feature                        TINYINT(1)   NOT NULL DEFAULT 0,
    disable_meetings_feature                    TINYINT(1)   NOT NULL DEFAULT 0,
    disable_broadcast_feature                   TINYINT(1)   NOT NULL DEFAULT 1,
    hide_settings                               TINYINT(1)   NOT NULL DEFAULT 0,
    hide_account_settings                       TINYINT(1)   NOT NULL DEFAULT 0,
    disable_call_recordings_feature             TINYINT(1)   NOT NULL DEFAULT 0,
    only_display_sip_uri_username               TINYINT(1)   NOT NULL DEFAULT 0,
    assistant_hide_create_account               TINYINT(1)   NOT NULL DEFAULT 0,
    assistant_disable_qr_code                   TINYINT(1)   NOT NULL DEFAULT 0,
    assistant_hide_third_party_account          TINYINT(1)   NOT NULL DEFAULT 0,
    max_account                                 INT          NOT NULL DEFAULT 0,
    created_at                                  DATETIME     NULL,
    updated_at                                  DATETIME     NULL,
    UNIQUE KEY spaces_domain_unique (domain),
    UNIQUE KEY spaces_host_unique (host)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The contacts list (/contacts/vcard): FlexiAPI's contacts of an account
-- (its own `contacts` rows and the accounts of the contacts lists attached
-- to it), with their types and actions.  Optional: without these tables
-- every list is empty.
CREATE TABLE IF NOT EXISTS contacts (
    account_id  INT UNSIGNED NOT NULL,
    contact_id  INT UNSIGNED NOT NULL,
    created_at  DATETIME     NULL,
    updated_at  DATETIME     NULL,
    UNIQUE KEY contacts_account_id_contact_id_unique (account_id, contact_id),
    CONSTRAINT contacts_account_id_foreign FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT contacts_contact_id_foreign FOREIGN KEY (contact_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS account_types (
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `key`       VARCHAR(64)  NOT NULL,
    created_at  DATETIME     NULL,
    updated_at  DATETIME     NULL,
    UNIQUE KEY account_types_key_unique (`key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS account_account_type (
    account_id       INT UNSIGNED NOT NULL,
    account_type_id  INT UNSIGNED NOT NULL,
    created_at       DATETIME     NULL,
    updated_at       DATETIME     NULL,
    UNIQUE KEY account_account_type_account_id_account_type_id_unique (account_id, account_type_id),
    CONSTRAINT account_account_type_account_id_foreign FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT account_account_type_account_type_id_foreign FOREIGN KEY (account_type_id) REFERENCES account_types (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS account_actions (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account_id  INT UNSIGNED NOT NULL,
    `key`       VARCHAR(255) NOT NULL,
    code        VARCHAR(255) NOT NULL,
    created_at  DATETIME     NULL,
    updated_at  DATETIME     NULL,
    CONSTRAINT account_actions_account_id_foreign FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS contacts_lists (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    title        VARCHAR(255) NOT NULL,
    description  TEXT         NULL,
    created_at   DATETIME     NULL,
    updated_at   DATETIME     NULL,
    UNIQUE KEY contacts_lists_title_unique (title)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS account_contacts_list (
    account_id        INT UNSIGNED NOT NULL,
    contacts_list_id  BIGINT UNSIGNED NOT NULL,
    created_at        DATETIME     NULL,
    updated_at        DATETIME     NULL,
    UNIQUE KEY account_contacts_list_account_id_contacts_list_id_unique (account_id, contacts_list_id),
    CONSTRAINT account_contacts_list_account_id_foreign FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT account_contacts_list_contacts_list_id_foreign FOREIGN KEY (contacts_list_id) REFERENCES contacts_lists (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS contacts_list_contact (
    contact_id        INT UNSIGNED NOT NULL,
    contacts_list_id  BIGINT UNSIGNED NOT NULL,
    created_at        DATETIME     NULL,
    updated_at        DATETIME     NULL,
    UNIQUE KEY contacts_list_contact_contact_id_contacts_list_id_unique (contact_id, contacts_list_id),
    CONSTRAINT contacts_list_contact_contact_id_foreign FOREIGN KEY (contact_id) REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT contacts_list_contact_contacts_list_id_foreign FOREIGN KEY (contacts_list_id) REFERENCES contacts_lists (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
