-- Demo accounts for `make -f Makefile.apxs demo`, portable SQL for every
-- schema of conf/schema/ (sqlite3, pgsql, mysql).  Passwords are stored as
-- HA1 = hex(H(username ":" realm ":" password)), realm = domain:
--   alice / alice-secret (SHA-256), bob / bob-secret (MD5), carol in clear,
--   dave / dave-secret (SHA-256), whose token the demo shows as a QR code.
-- Provisioning and auth tokens are added fresh by conf/demo.sh.
-- Contacts (/contacts/vcard): alice has bob and carol, and the list "Demo
-- team" (carol again, listed once, and dave); bob has alice.  dave's types
-- and actions are added by conf/demo.sh (their column `key` is quoted
-- differently by each database).
INSERT INTO accounts (username, domain, display_name, email, activated, blocked, created_at, updated_at) VALUES
  ('alice', 'sip.example.org', 'Alice Liddell', 'alice@example.org', FALSE, FALSE, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
  ('bob',   'sip.example.org', NULL,            'bob@example.org',   TRUE,  FALSE, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
  ('carol', 'sip.example.org', 'Carol "C" O''Neil', NULL,            FALSE, FALSE, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
  ('dave',  'sip.example.org', 'Dave',            'dave@example.org',  FALSE, FALSE, '2026-01-01 00:00:00', '2026-01-01 00:00:00');

INSERT INTO passwords (account_id, password, algorithm) VALUES
  ((SELECT id FROM accounts WHERE username = 'alice' AND domain = 'sip.example.org'),
   '48e5a1a4b7b39f4ac9a27bd14dc8dd1e0e874242eaa85fc98eee600f4f2f9a90', 'SHA-256'),
  ((SELECT id FROM accounts WHERE username = 'bob' AND domain = 'sip.example.org'),
   '918f58e55a59bce22f77379408cae092', 'MD5'),
  ((SELECT id FROM accounts WHERE username = 'carol' AND domain = 'sip.example.org'),
   'carol-secret', 'CLRTXT'),
  ((SELECT id FROM accounts WHERE username = 'dave' AND domain = 'sip.example.org'),
   'd4fcdf70ed46f5d173f7a7411d6836cf1af1eabd9ecb8c004b36d19f9a0b983e', 'SHA-256');

UPDATE accounts SET dtmf_protocol = 'sipinfo' WHERE username = 'dave' AND domain = 'sip.example.org';

INSERT INTO contacts (account_id, contact_id) VALUES
  ((SELECT id FROM accounts WHERE username = 'alice' AND domain = 'sip.example.org'),
   (SELECT id FROM accounts WHERE username = 'bob' AND domain = 'sip.example.org')),
  ((SELECT id FROM accounts WHERE username = 'alice' AND domain = 'sip.example.org'),
   (SELECT id FROM accounts WHERE username = 'carol' AND domain = 'sip.example.org')),
  ((SELECT id FROM accounts WHERE username = 'bob' AND domain = 'sip.example.org'),
   (SELECT id FROM accounts WHERE username = 'alice' AND domain = 'sip.example.org'));

INSERT INTO contacts_lists (title, description) VALUES ('Demo team', 'carol and dave');
INSERT INTO contacts_list_contact (contact_id, contacts_list_id) VALUES
  ((SELECT id FROM accounts WHERE username = 'carol' AND domain = 'sip.example.org'),
   (SELECT id FROM contacts_lists WHERE title = 'Demo team')),
  ((SELECT id FROM accounts WHERE username = 'dave' AND domain = 'sip.example.org'),
   (SELECT id FROM contacts_lists WHERE title = 'Demo team'));
INSERT INTO account_contacts_list (account_id, contacts_list_id) VALUES
  ((SELECT id FROM accounts WHERE username = 'alice' AND domain = 'sip.example.org'),
   (SELECT id FROM contacts_lists WHERE title = 'Demo team'));
