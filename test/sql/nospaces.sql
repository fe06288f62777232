-- The nospaces database: the module's schema without its optional tables
-- (spaces, the contacts ones), as an older FlexiAPI has it.
DROP TABLE spaces;
DROP TABLE contacts;
DROP TABLE contacts_list_contact;
DROP TABLE account_contacts_list;
DROP TABLE contacts_lists;
DROP TABLE account_account_type;
DROP TABLE account_types;
DROP TABLE account_actions;
