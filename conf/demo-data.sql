-- Demo accounts for `make -f Makefile.apxs demo`, portable SQL for every
-- schema of conf/schema/ (sqlite3, pgsql, mysql).  Passwords are stored as
-- HA1 = hex(H(username ":" realm ":" password)), realm = domain:
--   alice / alice-secret (SHA-256), bob / bob-secret (MD5), carol in clear,
--   dave / dave-secret (SHA-256), whose token the demo shows as a QR code.
-- Provisioning and auth tokens are added fresh by conf/demo.sh.
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
