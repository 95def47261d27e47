-- The session state generation: a counter that every write able to end a session or change
-- what a request's authentication reads with it (its user's name, e-mail, role, state; the
-- exam of a check-in session's schedule) raises, in the same transaction as the write,
-- whoever makes it (the daemon, the `ujikom` CLI, another node, or an SQL shell), because
-- triggers make it so. A process keeps the sessions it read together with the generation it
-- read in the same snapshot, and uses one again only while the generation is unchanged
-- (service/common/session_cache.c, docs/performance.md).
--
-- Counted: a deleted session (log-out, log-out everywhere, an account disabled), an update
-- of a session's identity, owner, creation, hard expiry or scope, an idle expiry or last
-- use moved earlier, an update of a user's columns that the look-up reads, a deleted user,
-- and an update of a schedule's id or exam or its deletion. Not counted: a new session or
-- user (nothing read about it yet), a session's touch (its last use and idle expiry only
-- move later: a copy that kept the earlier ones is stricter than the store, never laxer),
-- a password hash (a password change deletes the user's sessions, which counts), and the
-- deletion of a session whose idle or hard expiry had passed two minutes before by the
-- database's clock (the purge at each log-in): a copy is used only before its own expiry,
-- which is never later than the store's, so such a session could be served from a copy
-- only by a node whose clock is more than two minutes behind the database's. Without that
-- exception every log-in that purged an expired session would drop every copy.
CREATE TABLE session_state (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL
);
INSERT INTO session_state(id, generation) VALUES (1, 0);
CREATE TRIGGER sessions_state_delete AFTER DELETE ON sessions
  WHEN min(OLD.expires_at, OLD.absolute_expires_at) >
       CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) - 120000
BEGIN
  UPDATE session_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER sessions_state AFTER UPDATE OF token_hash, user_id, created_at,
  absolute_expires_at, scope_schedule_id ON sessions
BEGIN
  UPDATE session_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER sessions_state_earlier AFTER UPDATE OF expires_at, last_seen_at ON sessions
  WHEN NEW.expires_at < OLD.expires_at OR NEW.last_seen_at < OLD.last_seen_at
BEGIN
  UPDATE session_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER users_session_state AFTER UPDATE OF id, email, name, role, disabled, created_at
  ON users
BEGIN
  UPDATE session_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER users_session_state_delete AFTER DELETE ON users
BEGIN
  UPDATE session_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER schedules_session_state AFTER UPDATE OF id, exam_id ON schedules
BEGIN
  UPDATE session_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER schedules_session_state_delete AFTER DELETE ON schedules
BEGIN
  UPDATE session_state SET generation = generation + 1 WHERE id = 1;
END;
