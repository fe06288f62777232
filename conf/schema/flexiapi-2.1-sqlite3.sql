-- FlexiAPI's own tables, as its Laravel migrations leave them on SQLite:
-- FlexiAPI 2.1 (flexisip-account-manager's main branch, tag 2.1.0-alpha,
-- flexiapi/database/migrations up to 2026_08_13_124030), reduced to the
-- tables the module touches: flexiapi-sqlite3.sql (2.0.7) with the 2.1
-- changes to them.  spaces loses account_realm,
-- provisioning_use_linphone_provisioning_header and custom_theme and gains
-- unique_email, client_certificate_authentication, theme_hue and logo;
-- space_digest_authentication_configurations (the realm and the reset
-- password's algorithm), space_carddav_servers and
-- account_carddav_credentials are new.  Other 2.1 tables (SSO/OIDC,
-- wizards, call forwardings, account files, opaques) are left out: the
-- module does not read them; so is contacts_lists.space_id.  Used by the
-- tests (flexiapi21.t); not for a new deployment (see conf/schema/sqlite3.sql).
PRAGMA journal_mode = WAL;

CREATE TABLE spaces (
    id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    domain varchar NOT NULL,
    super tinyint(1) NOT NULL DEFAULT '0',
    created_at datetime NULL,
    updated_at datetime NULL,
    disable_chat_feature tinyint(1) NOT NULL DEFAULT '0',
    disable_meetings_feature tinyint(1) NOT NULL DEFAULT '0',
    disable_broadcast_feature tinyint(1) NOT NULL DEFAULT '1',
    max_account integer NOT NULL DEFAULT '0',
    hide_settings tinyint(1) NOT NULL DEFAULT '0',
    hide_account_settings tinyint(1) NOT NULL DEFAULT '0',
    disable_call_recordings_feature tinyint(1) NOT NULL DEFAULT '0',
    only_display_sip_uri_username tinyint(1) NOT NULL DEFAULT '0',
    assistant_hide_create_account tinyint(1) NOT NULL DEFAULT '0',
    assistant_disable_qr_code tinyint(1) NOT NULL DEFAULT '0',
    assistant_hide_third_party_account tinyint(1) NOT NULL DEFAULT '0',
    host varchar NOT NULL,
    max_accounts integer NOT NULL DEFAULT '0',
    expire_at datetime NULL,
    copyright_text text NULL,
    intro_registration_text text NULL,
    newsletter_registration_address varchar NULL,
    account_proxy_registrar_address varchar NULL,
    custom_provisioning_entries text NULL,
    custom_provisioning_overwrite_all tinyint(1) NOT NULL DEFAULT '0',
    web_panel tinyint(1) NOT NULL DEFAULT '1',
    public_registration tinyint(1) NOT NULL DEFAULT '1',
    phone_registration tinyint(1) NOT NULL DEFAULT '1',
    intercom_features tinyint(1) NOT NULL DEFAULT '0',
    name varchar NOT NULL,
    carddav_user_credentials tinyint(1) NOT NULL DEFAULT '0',
    theme_hue integer NULL,
    logo varchar NULL,
    unique_email tinyint(1) NOT NULL DEFAULT '1',
    client_certificate_authentication tinyint(1) NOT NULL DEFAULT '0'
);
CREATE UNIQUE INDEX sip_domains_domain_unique ON spaces (domain);
CREATE INDEX sip_domains_domain_index ON spaces (domain);
CREATE UNIQUE INDEX spaces_host_unique ON spaces (host);
CREATE UNIQUE INDEX spaces_name_unique ON spaces (name);

CREATE TABLE accounts (
    id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    username varchar NOT NULL,
    domain varchar NOT NULL,
    email varchar NULL,
    activated tinyint(1) NOT NULL DEFAULT '0',
    ip_address varchar NOT NULL,
    user_agent varchar NOT NULL,
    created_at datetime NOT NULL,
    expire_time datetime NULL,
    display_name varchar NULL,
    dtmf_protocol varchar NULL,
    updated_at datetime NULL,
    blocked tinyint(1) NOT NULL DEFAULT '0',
    admin tinyint(1) NOT NULL DEFAULT '0',
    phone varchar NULL,
    FOREIGN KEY (domain) REFERENCES spaces (domain) ON DELETE CASCADE
);
CREATE UNIQUE INDEX accounts_username_domain_unique ON accounts (username, domain);
CREATE INDEX accounts_email_index ON accounts (email);
CREATE INDEX accounts_created_at_index ON accounts (created_at);
CREATE INDEX accounts_domain_index ON accounts (domain);
CREATE INDEX accounts_username_index ON accounts (username);
CREATE INDEX accounts_blocked_index ON accounts (blocked);

CREATE TABLE passwords (
    id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    account_id integer NOT NULL,
    password varchar NOT NULL,
    algorithm varchar NOT NULL DEFAULT 'MD5',
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX passwords_account_id_algorithm_unique ON passwords (account_id, algorithm);

CREATE TABLE api_keys (
    id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    account_id integer NOT NULL,
    key varchar NOT NULL,
    created_at datetime NULL,
    updated_at datetime NULL,
    last_used_at datetime NOT NULL DEFAULT '',
    ip varchar NULL,
    requests integer NOT NULL DEFAULT '0',
    name varchar NULL,
    expires_after_last_used_minutes integer NULL,
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX api_keys_key_unique ON api_keys (key);

CREATE TABLE auth_tokens (
    id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    account_id integer NULL,
    token varchar NOT NULL,
    created_at datetime NULL,
    updated_at datetime NULL,
    ip varchar NULL,
    user_agent varchar NULL,
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
);

CREATE TABLE provisioning_tokens (
    id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    account_id integer NOT NULL,
    token varchar NULL,
    used tinyint(1) NOT NULL DEFAULT '0',
    created_at datetime NULL,
    updated_at datetime NULL,
    ip varchar NULL,
    user_agent varchar NULL,
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
);

-- The contacts tables (migrations 2021_10_13_092937 to 2023_07_24_144940:
-- account_actions without its dropped `protocol`, account_types.key
-- varchar(64) on MySQL only).  contacts_lists.space_id (2025_10_09, after
-- 2.0.7) is left out: the module does not read it.

CREATE TABLE contacts (
    account_id integer NOT NULL,
    contact_id integer NOT NULL,
    created_at datetime NULL,
    updated_at datetime NULL,
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
    FOREIGN KEY (contact_id) REFERENCES accounts (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX contacts_account_id_contact_id_unique ON contacts (account_id, contact_id);

CREATE TABLE account_types (
    id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    key varchar NOT NULL,
    created_at datetime NULL,
    updated_at datetime NULL
);
CREATE UNIQUE INDEX account_types_key_unique ON account_types (key);

CREATE TABLE account_account_type (
    account_id integer NOT NULL,
    account_type_id integer NOT NULL,
    created_at datetime NULL,
    updated_at datetime NULL,
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
    FOREIGN KEY (account_type_id) REFERENCES account_types (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX account_account_type_account_id_account_type_id_unique ON account_account_type (account_id, account_type_id);

CREATE TABLE account_actions (
    id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    account_id integer NOT NULL,
    key varchar NOT NULL,
    code varchar NOT NULL,
    created_at datetime NULL,
    updated_at datetime NULL,
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
);

CREATE TABLE contacts_lists (
    id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    title varchar NOT NULL,
    description text NULL,
    created_at datetime NULL,
    updated_at datetime NULL
);
CREATE UNIQUE INDEX contacts_lists_title_unique ON contacts_lists (title);

CREATE TABLE account_contacts_list (
    account_id integer NOT NULL,
    contacts_list_id integer NOT NULL,
    created_at datetime NULL,
    updated_at datetime NULL,
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
    FOREIGN KEY (contacts_list_id) REFERENCES contacts_lists (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX account_contacts_list_account_id_contacts_list_id_unique ON account_contacts_list (account_id, contacts_list_id);

CREATE TABLE contacts_list_contact (
    contact_id integer NOT NULL,
    contacts_list_id integer NOT NULL,
    created_at datetime NULL,
    updated_at datetime NULL,
    FOREIGN KEY (contact_id) REFERENCES accounts (id) ON DELETE CASCADE,
    FOREIGN KEY (contacts_list_id) REFERENCES contacts_lists (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX contacts_list_contact_contact_id_contacts_list_id_unique ON contacts_list_contact (contact_id, contacts_list_id);

-- FlexiAPI 2.1: the digest configuration of a space (one row per space,
-- made by the migration from account_realm, else the domain, and
-- account_default_password_algorithm), its CardDAV servers and the
-- accounts' credentials on them (password: an HA1).

CREATE TABLE space_carddav_servers (
    id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    space_id integer NOT NULL,
    enabled tinyint(1) NOT NULL DEFAULT '1',
    uri varchar NOT NULL,
    min_characters integer NOT NULL DEFAULT '3',
    results_limit integer NOT NULL DEFAULT '0',
    timeout integer NOT NULL DEFAULT '5',
    delay integer NOT NULL DEFAULT '500',
    fields_for_user_input varchar NULL,
    fields_for_domain varchar NULL,
    use_exact_match_policy tinyint(1) NOT NULL DEFAULT '0',
    created_at datetime NULL,
    updated_at datetime NULL,
    FOREIGN KEY (space_id) REFERENCES spaces (id) ON DELETE CASCADE
);

CREATE TABLE account_carddav_credentials (
    username varchar NOT NULL,
    password varchar NOT NULL,
    realm varchar NOT NULL,
    algorithm varchar NOT NULL DEFAULT 'MD5',
    space_carddav_server_id integer NOT NULL,
    account_id integer NOT NULL,
    created_at datetime NULL,
    updated_at datetime NULL,
    FOREIGN KEY (space_carddav_server_id) REFERENCES space_carddav_servers (id) ON DELETE CASCADE,
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX account_carddav_credentials_unique ON account_carddav_credentials (space_carddav_server_id, account_id);

CREATE TABLE space_digest_authentication_configurations (
    id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    realm varchar NOT NULL,
    default_password_algorithm varchar NOT NULL DEFAULT 'SHA-256',
    space_id integer NOT NULL,
    created_at datetime NULL,
    updated_at datetime NULL,
    FOREIGN KEY (space_id) REFERENCES spaces (id) ON DELETE CASCADE
);
