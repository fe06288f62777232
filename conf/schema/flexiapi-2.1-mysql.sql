-- FlexiAPI's own tables, as its Laravel migrations leave them on MySQL /
-- MariaDB: FlexiAPI 2.1 (flexisip-account-manager's main branch, tag
-- 2.1.0-alpha, flexiapi/database/migrations up to 2026_08_13_124030),
-- reduced to the tables the module touches: flexiapi-mysql.sql (2.0.7) with the 2.1
-- changes to them.  spaces loses account_realm,
-- provisioning_use_linphone_provisioning_header and custom_theme and gains
-- unique_email, client_certificate_authentication, theme_hue and logo;
-- space_digest_authentication_configurations (the realm and the reset
-- password's algorithm), space_carddav_servers and
-- account_carddav_credentials are new.  Other 2.1 tables (SSO/OIDC,
-- wizards, call forwardings, account files, opaques) are left out: the
-- module does not read them; so is contacts_lists.space_id.  Used by the
-- tests (flexiapi21.t); not for a new deployment (see conf/schema/mysql.sql).

SET NAMES utf8mb4;

CREATE TABLE spaces (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    domain varchar(64) NOT NULL,
    super tinyint(1) NOT NULL DEFAULT '0',
    created_at timestamp NULL,
    updated_at timestamp NULL,
    disable_chat_feature tinyint(1) NOT NULL DEFAULT '0',
    disable_meetings_feature tinyint(1) NOT NULL DEFAULT '0',
    disable_broadcast_feature tinyint(1) NOT NULL DEFAULT '1',
    max_account int NOT NULL DEFAULT '0',
    hide_settings tinyint(1) NOT NULL DEFAULT '0',
    hide_account_settings tinyint(1) NOT NULL DEFAULT '0',
    disable_call_recordings_feature tinyint(1) NOT NULL DEFAULT '0',
    only_display_sip_uri_username tinyint(1) NOT NULL DEFAULT '0',
    assistant_hide_create_account tinyint(1) NOT NULL DEFAULT '0',
    assistant_disable_qr_code tinyint(1) NOT NULL DEFAULT '0',
    assistant_hide_third_party_account tinyint(1) NOT NULL DEFAULT '0',
    host varchar(255) NOT NULL,
    max_accounts int NOT NULL DEFAULT '0',
    expire_at datetime NULL,
    copyright_text text NULL,
    intro_registration_text text NULL,
    newsletter_registration_address varchar(255) NULL,
    account_proxy_registrar_address varchar(255) NULL,
    custom_provisioning_entries text NULL,
    custom_provisioning_overwrite_all tinyint(1) NOT NULL DEFAULT '0',
    web_panel tinyint(1) NOT NULL DEFAULT '1',
    public_registration tinyint(1) NOT NULL DEFAULT '1',
    phone_registration tinyint(1) NOT NULL DEFAULT '1',
    intercom_features tinyint(1) NOT NULL DEFAULT '0',
    name varchar(255) NOT NULL,
    unique_email tinyint(1) NOT NULL DEFAULT '1',
    carddav_user_credentials tinyint(1) NOT NULL DEFAULT '0',
    theme_hue int NULL,
    logo varchar(255) NULL,
    client_certificate_authentication tinyint(1) NOT NULL DEFAULT '0',
    PRIMARY KEY (id),
    UNIQUE KEY sip_domains_domain_unique (domain),
    UNIQUE KEY spaces_host_unique (host),
    UNIQUE KEY spaces_name_unique (name),
    KEY sip_domains_domain_index (domain)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE accounts (
    id int unsigned NOT NULL AUTO_INCREMENT,
    username varchar(64) NOT NULL,
    domain varchar(64) NOT NULL,
    email varchar(64) NULL,
    activated tinyint(1) NOT NULL DEFAULT '0',
    ip_address varchar(39) NOT NULL,
    user_agent varchar(256) NOT NULL,
    created_at datetime NOT NULL,
    expire_time datetime NULL,
    display_name varchar(255) NULL,
    dtmf_protocol varchar(255) NULL,
    updated_at datetime NULL,
    blocked tinyint(1) NOT NULL DEFAULT '0',
    admin tinyint(1) NOT NULL DEFAULT '0',
    phone varchar(64) NULL,
    PRIMARY KEY (id),
    UNIQUE KEY accounts_username_domain_unique (username, domain),
    KEY accounts_email_index (email),
    KEY accounts_created_at_index (created_at),
    KEY accounts_domain_index (domain),
    KEY accounts_username_index (username),
    KEY accounts_blocked_index (blocked),
    CONSTRAINT accounts_domain_foreign FOREIGN KEY (domain)
        REFERENCES spaces (domain) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE passwords (
    id int unsigned NOT NULL AUTO_INCREMENT,
    account_id int unsigned NOT NULL,
    password varchar(255) NOT NULL,
    algorithm varchar(10) NOT NULL DEFAULT 'MD5',
    PRIMARY KEY (id),
    UNIQUE KEY passwords_account_id_algorithm_unique (account_id, algorithm),
    CONSTRAINT passwords_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE api_keys (
    id int unsigned NOT NULL AUTO_INCREMENT,
    account_id int unsigned NOT NULL,
    `key` varchar(160) NOT NULL,
    created_at timestamp NULL,
    updated_at timestamp NULL,
    last_used_at datetime NOT NULL,
    ip varchar(255) NULL,
    requests int NOT NULL DEFAULT '0',
    name varchar(255) NULL,
    expires_after_last_used_minutes int NULL,
    PRIMARY KEY (id),
    UNIQUE KEY api_keys_key_unique (`key`),
    KEY api_keys_account_id_foreign (account_id),
    CONSTRAINT api_keys_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE auth_tokens (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    account_id int unsigned NULL,
    token varchar(32) NOT NULL,
    created_at timestamp NULL,
    updated_at timestamp NULL,
    ip varchar(255) NULL,
    user_agent varchar(255) NULL,
    PRIMARY KEY (id),
    CONSTRAINT auth_tokens_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE provisioning_tokens (
    id int unsigned NOT NULL AUTO_INCREMENT,
    account_id int unsigned NOT NULL,
    token varchar(255) NULL,
    used tinyint(1) NOT NULL DEFAULT '0',
    created_at timestamp NULL,
    updated_at timestamp NULL,
    ip varchar(255) NULL,
    user_agent varchar(255) NULL,
    PRIMARY KEY (id),
    CONSTRAINT provisioning_tokens_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The contacts tables (migrations 2021_10_13_092937 to 2023_07_24_144940:
-- account_actions without its dropped `protocol`, account_types.key
-- varchar(64) on MySQL only).  contacts_lists.space_id (2025_10_09, after
-- 2.0.7) is left out: the module does not read it.

CREATE TABLE contacts (
    account_id int unsigned NOT NULL,
    contact_id int unsigned NOT NULL,
    created_at timestamp NULL,
    updated_at timestamp NULL,
    UNIQUE KEY contacts_account_id_contact_id_unique (account_id, contact_id),
    KEY contacts_contact_id_foreign (contact_id),
    CONSTRAINT contacts_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT contacts_contact_id_foreign FOREIGN KEY (contact_id)
        REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE account_types (
    id int unsigned NOT NULL AUTO_INCREMENT,
    `key` varchar(64) NOT NULL,
    created_at timestamp NULL,
    updated_at timestamp NULL,
    PRIMARY KEY (id),
    UNIQUE KEY account_types_key_unique (`key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE account_account_type (
    account_id int unsigned NOT NULL,
    account_type_id int unsigned NOT NULL,
    created_at timestamp NULL,
    updated_at timestamp NULL,
    UNIQUE KEY account_account_type_account_id_account_type_id_unique (account_id, account_type_id),
    KEY account_account_type_account_type_id_foreign (account_type_id),
    CONSTRAINT account_account_type_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT account_account_type_account_type_id_foreign FOREIGN KEY (account_type_id)
        REFERENCES account_types (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE account_actions (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    account_id int unsigned NOT NULL,
    `key` varchar(255) NOT NULL,
    code varchar(255) NOT NULL,
    created_at timestamp NULL,
    updated_at timestamp NULL,
    PRIMARY KEY (id),
    KEY account_actions_account_id_foreign (account_id),
    CONSTRAINT account_actions_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE contacts_lists (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    title varchar(255) NOT NULL,
    description text NULL,
    created_at timestamp NULL,
    updated_at timestamp NULL,
    PRIMARY KEY (id),
    UNIQUE KEY contacts_lists_title_unique (title)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE account_contacts_list (
    account_id int unsigned NOT NULL,
    contacts_list_id bigint unsigned NOT NULL,
    created_at timestamp NULL,
    updated_at timestamp NULL,
    UNIQUE KEY account_contacts_list_account_id_contacts_list_id_unique (account_id, contacts_list_id),
    KEY account_contacts_list_contacts_list_id_foreign (contacts_list_id),
    CONSTRAINT account_contacts_list_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT account_contacts_list_contacts_list_id_foreign FOREIGN KEY (contacts_list_id)
        REFERENCES contacts_lists (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE contacts_list_contact (
    contact_id int unsigned NOT NULL,
    contacts_list_id bigint unsigned NOT NULL,
    created_at timestamp NULL,
    updated_at timestamp NULL,
    UNIQUE KEY contacts_list_contact_contact_id_contacts_list_id_unique (contact_id, contacts_list_id),
    KEY contacts_list_contact_contacts_list_id_foreign (contacts_list_id),
    CONSTRAINT contacts_list_contact_contact_id_foreign FOREIGN KEY (contact_id)
        REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT contacts_list_contact_contacts_list_id_foreign FOREIGN KEY (contacts_list_id)
        REFERENCES contacts_lists (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- FlexiAPI 2.1: the digest configuration of a space (one row per space,
-- made by the migration from account_realm, else the domain, and
-- account_default_password_algorithm), its CardDAV servers and the
-- accounts' credentials on them (password: an HA1).

CREATE TABLE space_carddav_servers (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    space_id bigint unsigned NOT NULL,
    enabled tinyint(1) NOT NULL DEFAULT '1',
    uri varchar(255) NOT NULL,
    min_characters int NOT NULL DEFAULT '3',
    results_limit int NOT NULL DEFAULT '0',
    timeout int NOT NULL DEFAULT '5',
    delay int NOT NULL DEFAULT '500',
    fields_for_user_input varchar(255) NULL,
    fields_for_domain varchar(255) NULL,
    use_exact_match_policy tinyint(1) NOT NULL DEFAULT '0',
    created_at timestamp NULL,
    updated_at timestamp NULL,
    PRIMARY KEY (id),
    KEY space_carddav_servers_space_id_foreign (space_id),
    CONSTRAINT space_carddav_servers_space_id_foreign FOREIGN KEY (space_id) REFERENCES spaces (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE account_carddav_credentials (
    username varchar(64) NOT NULL,
    password varchar(255) NOT NULL,
    realm varchar(255) NOT NULL,
    algorithm varchar(10) NOT NULL DEFAULT 'MD5',
    space_carddav_server_id bigint unsigned NOT NULL,
    account_id int unsigned NOT NULL,
    created_at timestamp NULL,
    updated_at timestamp NULL,
    UNIQUE KEY account_carddav_credentials_unique (space_carddav_server_id, account_id),
    KEY account_carddav_credentials_account_id_foreign (account_id),
    CONSTRAINT account_carddav_credentials_space_carddav_server_id_foreign FOREIGN KEY (space_carddav_server_id) REFERENCES space_carddav_servers (id) ON DELETE CASCADE,
    CONSTRAINT account_carddav_credentials_account_id_foreign FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE space_digest_authentication_configurations (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    realm varchar(255) NOT NULL,
    default_password_algorithm varchar(10) NOT NULL DEFAULT 'SHA-256',
    space_id bigint unsigned NOT NULL,
    created_at timestamp NULL,
    updated_at timestamp NULL,
    PRIMARY KEY (id),
    KEY space_digest_authentication_configurations_space_id_foreign (space_id),
    CONSTRAINT space_digest_authentication_configurations_space_id_foreign FOREIGN KEY (space_id) REFERENCES spaces (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
