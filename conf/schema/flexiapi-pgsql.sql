-- FlexiAPI's own tables, as its Laravel migrations leave them on PostgreSQL:
-- FlexiAPI 2.0.7 (flexisip-account-manager, flexiapi/database/migrations up
-- to 2025_08_27_142250, Laravel 10), reduced to the tables the module
-- touches, every column of them kept: columns the module never reads, NOT
-- NULL columns it never writes (accounts.ip_address, user_agent, created_at;
-- api_keys.last_used_at; spaces.name), Laravel's defaults ('0'/'1' for
-- booleans), its index and constraint names (spaces keeps those of
-- sip_domains, which it was renamed from) and the foreign keys (an account's
-- domain must be a space's).  Used by the tests (flexiapi.t) to check that
-- the module serves an existing FlexiAPI database unchanged; not for a new
-- deployment (see conf/schema/pgsql.sql).
--
-- FlexiAPI 2.1 drops spaces.provisioning_use_linphone_provisioning_header
-- and moves spaces.account_realm to space_digest_authentication_configurations
-- (see flexiapi-2.1-pgsql.sql).

CREATE TABLE spaces (
    id bigserial NOT NULL,
    domain varchar(64) NOT NULL,
    super boolean NOT NULL DEFAULT '0',
    created_at timestamp(0) without time zone NULL,
    updated_at timestamp(0) without time zone NULL,
    disable_chat_feature boolean NOT NULL DEFAULT '0',
    disable_meetings_feature boolean NOT NULL DEFAULT '0',
    disable_broadcast_feature boolean NOT NULL DEFAULT '1',
    max_account integer NOT NULL DEFAULT '0',
    hide_settings boolean NOT NULL DEFAULT '0',
    hide_account_settings boolean NOT NULL DEFAULT '0',
    disable_call_recordings_feature boolean NOT NULL DEFAULT '0',
    only_display_sip_uri_username boolean NOT NULL DEFAULT '0',
    assistant_hide_create_account boolean NOT NULL DEFAULT '0',
    assistant_disable_qr_code boolean NOT NULL DEFAULT '0',
    assistant_hide_third_party_account boolean NOT NULL DEFAULT '0',
    host varchar(255) NOT NULL,
    max_accounts integer NOT NULL DEFAULT '0',
    expire_at timestamp(0) without time zone NULL,
    copyright_text text NULL,
    intro_registration_text text NULL,
    newsletter_registration_address varchar(255) NULL,
    account_proxy_registrar_address varchar(255) NULL,
    account_realm varchar(255) NULL,
    custom_provisioning_entries text NULL,
    custom_provisioning_overwrite_all boolean NOT NULL DEFAULT '0',
    provisioning_use_linphone_provisioning_header boolean NOT NULL DEFAULT '1',
    custom_theme boolean NOT NULL DEFAULT '0',
    web_panel boolean NOT NULL DEFAULT '1',
    public_registration boolean NOT NULL DEFAULT '1',
    phone_registration boolean NOT NULL DEFAULT '1',
    intercom_features boolean NOT NULL DEFAULT '0',
    name varchar(255) NOT NULL,
    carddav_user_credentials boolean NOT NULL DEFAULT '0',
    CONSTRAINT sip_domains_pkey PRIMARY KEY (id),
    CONSTRAINT sip_domains_domain_unique UNIQUE (domain),
    CONSTRAINT spaces_host_unique UNIQUE (host),
    CONSTRAINT spaces_name_unique UNIQUE (name)
);
CREATE INDEX sip_domains_domain_index ON spaces (domain);

CREATE TABLE accounts (
    id serial NOT NULL,
    username varchar(64) NOT NULL,
    domain varchar(64) NOT NULL,
    email varchar(64) NULL,
    activated boolean NOT NULL DEFAULT '0',
    ip_address varchar(39) NOT NULL,
    user_agent varchar(256) NOT NULL,
    created_at timestamp(0) without time zone NOT NULL,
    expire_time timestamp(0) without time zone NULL,
    display_name varchar(255) NULL,
    dtmf_protocol varchar(255) NULL,
    updated_at timestamp(0) without time zone NULL,
    blocked boolean NOT NULL DEFAULT '0',
    admin boolean NOT NULL DEFAULT '0',
    phone varchar(64) NULL,
    CONSTRAINT accounts_pkey PRIMARY KEY (id),
    CONSTRAINT accounts_username_domain_unique UNIQUE (username, domain),
    CONSTRAINT accounts_domain_foreign FOREIGN KEY (domain)
        REFERENCES spaces (domain) ON DELETE CASCADE
);
CREATE INDEX accounts_email_index ON accounts (email);
CREATE INDEX accounts_created_at_index ON accounts (created_at);
CREATE INDEX accounts_domain_index ON accounts (domain);
CREATE INDEX accounts_username_index ON accounts (username);
CREATE INDEX accounts_blocked_index ON accounts (blocked);

CREATE TABLE passwords (
    id serial NOT NULL,
    account_id integer NOT NULL,
    password varchar(255) NOT NULL,
    algorithm varchar(10) NOT NULL DEFAULT 'MD5',
    CONSTRAINT passwords_pkey PRIMARY KEY (id),
    CONSTRAINT passwords_account_id_algorithm_unique UNIQUE (account_id, algorithm),
    CONSTRAINT passwords_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
);

CREATE TABLE api_keys (
    id serial NOT NULL,
    account_id integer NOT NULL,
    key varchar(160) NOT NULL,
    created_at timestamp(0) without time zone NULL,
    updated_at timestamp(0) without time zone NULL,
    last_used_at timestamp(0) without time zone NOT NULL,
    ip varchar(255) NULL,
    requests integer NOT NULL DEFAULT '0',
    name varchar(255) NULL,
    expires_after_last_used_minutes integer NULL,
    CONSTRAINT api_keys_pkey PRIMARY KEY (id),
    CONSTRAINT api_keys_key_unique UNIQUE (key),
    CONSTRAINT api_keys_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
);

CREATE TABLE auth_tokens (
    id bigserial NOT NULL,
    account_id integer NULL,
    token varchar(32) NOT NULL,
    created_at timestamp(0) without time zone NULL,
    updated_at timestamp(0) without time zone NULL,
    ip varchar(255) NULL,
    user_agent varchar(255) NULL,
    CONSTRAINT auth_tokens_pkey PRIMARY KEY (id),
    CONSTRAINT auth_tokens_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
);

CREATE TABLE provisioning_tokens (
    id serial NOT NULL,
    account_id integer NOT NULL,
    token varchar(255) NULL,
    used boolean NOT NULL DEFAULT '0',
    created_at timestamp(0) without time zone NULL,
    updated_at timestamp(0) without time zone NULL,
    ip varchar(255) NULL,
    user_agent varchar(255) NULL,
    CONSTRAINT provisioning_tokens_pkey PRIMARY KEY (id),
    CONSTRAINT provisioning_tokens_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
);

-- The contacts tables (migrations 2021_10_13_092937 to 2023_07_24_144940:
-- account_actions without its dropped `protocol`, account_types.key
-- varchar(64) on MySQL only).  contacts_lists.space_id (2025_10_09, after
-- 2.0.7) is left out: the module does not read it.

CREATE TABLE contacts (
    account_id integer NOT NULL,
    contact_id integer NOT NULL,
    created_at timestamp(0) without time zone NULL,
    updated_at timestamp(0) without time zone NULL,
    CONSTRAINT contacts_account_id_contact_id_unique UNIQUE (account_id, contact_id),
    CONSTRAINT contacts_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT contacts_contact_id_foreign FOREIGN KEY (contact_id)
        REFERENCES accounts (id) ON DELETE CASCADE
);

CREATE TABLE account_types (
    id serial NOT NULL,
    key varchar(255) NOT NULL,
    created_at timestamp(0) without time zone NULL,
    updated_at timestamp(0) without time zone NULL,
    CONSTRAINT account_types_pkey PRIMARY KEY (id),
    CONSTRAINT account_types_key_unique UNIQUE (key)
);

CREATE TABLE account_account_type (
    account_id integer NOT NULL,
    account_type_id integer NOT NULL,
    created_at timestamp(0) without time zone NULL,
    updated_at timestamp(0) without time zone NULL,
    CONSTRAINT account_account_type_account_id_account_type_id_unique UNIQUE (account_id, account_type_id),
    CONSTRAINT account_account_type_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT account_account_type_account_type_id_foreign FOREIGN KEY (account_type_id)
        REFERENCES account_types (id) ON DELETE CASCADE
);

CREATE TABLE account_actions (
    id bigserial NOT NULL,
    account_id integer NOT NULL,
    key varchar(255) NOT NULL,
    code varchar(255) NOT NULL,
    created_at timestamp(0) without time zone NULL,
    updated_at timestamp(0) without time zone NULL,
    CONSTRAINT account_actions_pkey PRIMARY KEY (id),
    CONSTRAINT account_actions_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
);

CREATE TABLE contacts_lists (
    id bigserial NOT NULL,
    title varchar(255) NOT NULL,
    description text NULL,
    created_at timestamp(0) without time zone NULL,
    updated_at timestamp(0) without time zone NULL,
    CONSTRAINT contacts_lists_pkey PRIMARY KEY (id),
    CONSTRAINT contacts_lists_title_unique UNIQUE (title)
);

CREATE TABLE account_contacts_list (
    account_id integer NOT NULL,
    contacts_list_id bigint NOT NULL,
    created_at timestamp(0) without time zone NULL,
    updated_at timestamp(0) without time zone NULL,
    CONSTRAINT account_contacts_list_account_id_contacts_list_id_unique UNIQUE (account_id, contacts_list_id),
    CONSTRAINT account_contacts_list_account_id_foreign FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT account_contacts_list_contacts_list_id_foreign FOREIGN KEY (contacts_list_id)
        REFERENCES contacts_lists (id) ON DELETE CASCADE
);

CREATE TABLE contacts_list_contact (
    contact_id integer NOT NULL,
    contacts_list_id bigint NOT NULL,
    created_at timestamp(0) without time zone NULL,
    updated_at timestamp(0) without time zone NULL,
    CONSTRAINT contacts_list_contact_contact_id_contacts_list_id_unique UNIQUE (contact_id, contacts_list_id),
    CONSTRAINT contacts_list_contact_contact_id_foreign FOREIGN KEY (contact_id)
        REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT contacts_list_contact_contacts_list_id_foreign FOREIGN KEY (contacts_list_id)
        REFERENCES contacts_lists (id) ON DELETE CASCADE
);
