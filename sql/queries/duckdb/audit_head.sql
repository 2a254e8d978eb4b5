-- The newest audit entry's seq and hash (the chain's head).
SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1
