-- FlexiAPI's own tables, as its Laravel migrations leave them on PostgreSQL:
-- FlexiAPI 2.1 (flexisip-account-manager's main branch, tag 2.1.0-alpha,
-- flexiapi/database/migrations up to 2026_08_13_124030), reduced to the
-- tables the module touches: flexiapi-pgsql.sql (2.0.7) with the 2.1
-- changes to them.  spaces loses account_realm,
-- provisioning_use_linphone_provisioning_header and custom_theme and gains
-- unique_email, client_certificate_authentication, theme_hue and logo;
-- space_digest_authentication_configurations (the realm and the reset
-- password's algorithm), space_carddav_servers and
-- account_carddav_credentials are new.  Other 2.1 tables (SSO/OIDC,
-- wizards, call forwardings, account files, opaques) are left out: the
-- module does not read them; so is contacts_lists.space_id.  Used by the
-- tests (flexiapi21.t); not for a new deployment (see conf/schema/pgsql.sql).

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
    custom_provisioning_entries text NULL,
    custom_provisioning_overwrite_all boolean NOT NULL DEFAULT '0',
    web_panel boolean NOT NULL DEFAULT '1',
    public_registration boolean NOT NULL DEFAULT '1',
    phone_registration boolean NOT NULL DEFAULT '1',
    intercom_features boolean NOT NULL DEFAULT '0',
    name varchar(255) NOT NULL,
    carddav_user_credentials boolean NOT NULL DEFAULT '0',
    theme_hue integer NULL,
    logo varchar(255) NULL,
    unique_email boolean NOT NULL DEFAULT '1',
    client_certificate_authentication boolean NOT NULL DEFAULT '0',
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

-- FlexiAPI 2.1: the digest configuration of a space (one row per space,
-- made by the migration from account_realm, else the domain, and
-- account_default_password_algorithm), its CardDAV servers and the
-- accounts' credentials on them (password: an HA1).

CREATE TABLE space_carddav_servers (
    id bigserial NOT NULL,
    space_id bigint NOT NULL,
    enabled boolean NOT NULL DEFAULT '1',
    uri varchar(255) NOT NULL,
    min_characters integer NOT NULL DEFAULT '3',
    results_limit integer NOT NULL DEFAULT '0',
    timeout integer NOT NULL DEFAULT '5',
    delay integer NOT NULL DEFAULT '500',
    fields_for_user_input varchar(255) NULL,
    fields_for_domain varchar(255) NULL,
    use_exact_match_policy boolean NOT NULL DEFAULT '0',
    created_at timestamp(0) without time zone NULL,
    updated_at timestamp(0) without time zone NULL,
    CONSTRAINT space_carddav_servers_pkey PRIMARY KEY (id),
    CONSTRAINT space_carddav_servers_space_id_foreign FOREIGN KEY (space_id) REFERENCES spaces (id) ON DELETE CASCADE
);

CREATE TABLE account_carddav_credentials (
    username varchar(64) NOT NULL,
    password varchar(255) NOT NULL,
    realm varchar(255) NOT NULL,
    algorithm varchar(10) NOT NULL DEFAULT 'MD5',
    space_carddav_server_id bigint NOT NULL,
    account_id integer NOT NULL,
    created_at timestamp(0) without time zone NULL,
    updated_at timestamp(0) without time zone NULL,
    CONSTRAINT account_carddav_credentials_unique UNIQUE (space_carddav_server_id, account_id),
    CONSTRAINT account_carddav_credentials_space_carddav_server_id_foreign FOREIGN KEY (space_carddav_server_id) REFERENCES space_carddav_servers (id) ON DELETE CASCADE,
    CONSTRAINT account_carddav_credentials_account_id_foreign FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
);

CREATE TABLE space_digest_authentication_configurations (
    id bigserial NOT NULL,
    realm varchar(255) NOT NULL,
    default_password_algorithm varchar(10) NOT NULL DEFAULT 'SHA-256',
    space_id bigint NOT NULL,
    created_at timestamp(0) without time zone NULL,
    updated_at timestamp(0) without time zone NULL,
    CONSTRAINT space_digest_authentication_configurations_pkey PRIMARY KEY (id),
    CONSTRAINT space_digest_authentication_configurations_space_id_foreign FOREIGN KEY (space_id) REFERENCES spaces (id) ON DELETE CASCADE
);
