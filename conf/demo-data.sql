-- Demo accounts for `make -f Makefile.apxs demo` (sqlite3).  Passwords are
-- stored as HA1 = hex(H(username ":" realm ":" password)), realm = domain:
--   alice / alice-secret (SHA-256), bob / bob-secret (MD5), carol in clear,
--   dave / dave-secret (SHA-256), whose token the demo shows as a QR code.
-- Provisioning and auth tokens are added fresh by conf/demo.sh.
INSERT INTO accounts (id, username, domain, display_name, email, activated, blocked, created_at, updated_at) VALUES
  (1, 'alice', 'sip.example.org', 'Alice Liddell', 'alice@example.org', 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
  (2, 'bob',   'sip.example.org', NULL,            'bob@example.org',   1, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
  (3, 'carol', 'sip.example.org', 'Carol "C" O''Neil', NULL,            0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00'),
  (4, 'dave',  'sip.example.org', 'Dave',            'dave@example.org',  0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00');

INSERT INTO passwords (account_id, password, algorithm) VALUES
  (1, '48e5a1a4b7b39f4ac9a27bd14dc8dd1e0e874242eaa85fc98eee600f4f2f9a90', 'SHA-256'),
  (2, '918f58e55a59bce22f77379408cae092', 'MD5'),
  (3, 'carol-secret', 'CLRTXT'),
  (4, 'd4fcdf70ed46f5d173f7a7411d6836cf1af1eabd9ecb8c004b36d19f9a0b983e', 'SHA-256');
