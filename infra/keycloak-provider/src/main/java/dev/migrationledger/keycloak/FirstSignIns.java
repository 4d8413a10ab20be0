package dev.migrationledger.keycloak;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One first sign-in per user at a time on this node. Two concurrent first sign-ins of one user
 * would each ask the bridge and each store a password: measured on 26.7.3 with brute-force
 * protection off, two password credentials in 2 of 4 runs. The first one migrates; the others wait
 * for its transaction and are then answered from it: the same password signs in without a second
 * store, another one is wrong. A transaction that keeps no password lets the next one try.
 *
 * To answer them, the password the first sign-in stored is kept as a salted SHA-256 in memory for
 * a short while (never logged, never written): a re-read of the credential could miss the commit
 * in a transaction that started before it. Nodes of a cluster do not share this; see docs/bridge.md.
 */
final class FirstSignIns {
  /** How long a committed first sign-in answers later ones that could not yet see its password. */
  private static final long REMEMBER_MS = 60_000;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ConcurrentHashMap<String, Attempt> ATTEMPTS = new ConcurrentHashMap<>();

  /** What a first sign-in came to: the stored password's verifier, or none. */
  static final class Attempt {
    private final CompletableFuture<Verifier> done = new CompletableFuture<>();
    private volatile long settledAt = Long.MAX_VALUE;
  }

  record Verifier(byte[] salt, byte[] digest) {
    static Verifier of(String password) {
      byte[] salt = new byte[16];
      RANDOM.nextBytes(salt);
      return new Verifier(salt, digest(salt, password));
    }

    boolean matches(String password) {
      return MessageDigest.isEqual(digest, digest(salt, password));
    }

    private static byte[] digest(byte[] salt, String password) {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(salt);
        return sha.digest(password.getBytes(StandardCharsets.UTF_8));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** What a caller learns from an earlier first sign-in of the same user. */
  enum Earlier {
    NONE, SAME_PASSWORD_STORED, OTHER_PASSWORD_STORED, STILL_RUNNING
  }

  private FirstSignIns() {}

  /**
   * Claims the first sign-in of `key` for the caller (returns the claim to settle) or, when another
   * one holds it, waits up to `waitMs` for it and says what it came to (`earlier[0]`).
   */
  static Attempt claim(String key, String password, long waitMs, Earlier[] earlier) {
    forgetOld();
    for (int round = 0; round < 2; round++) {
      Attempt mine = new Attempt();
      Attempt other = ATTEMPTS.putIfAbsent(key, mine);
      if (other == null) {
        earlier[0] = Earlier.NONE;
        return mine;
      }
      Verifier stored;
      try {
        stored = other.done.get(waitMs, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        earlier[0] = Earlier.STILL_RUNNING;
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        earlier[0] = Earlier.STILL_RUNNING;
        return null;
      } catch (ExecutionException e) {
        stored = null;
      }
      if (stored != null) {
        earlier[0] = stored.matches(password) ? Earlier.SAME_PASSWORD_STORED : Earlier.OTHER_PASSWORD_STORED;
        return null;
      }
      // The other one kept nothing (wrong password, outage, rollback): its entry is gone, try to claim.
      ATTEMPTS.remove(key, other);
    }
    earlier[0] = Earlier.STILL_RUNNING;
    return null;
  }

  /** The claim's transaction committed a password: later sign-ins are answered from it for a while. */
  static void stored(String key, Attempt attempt, String password) {
    attempt.settledAt = System.currentTimeMillis();
    attempt.done.complete(Verifier.of(password));
  }

  /** Nothing was kept: the claim is released at once. */
  static void released(String key, Attempt attempt) {
    ATTEMPTS.remove(key, attempt);
    attempt.done.complete(null);
  }

  private static void forgetOld() {
    long now = System.currentTimeMillis();
    if (ATTEMPTS.size() < 64) {
      ATTEMPTS.entrySet().removeIf(e -> now - e.getValue().settledAt > REMEMBER_MS);
      return;
    }
    // Bounded work per sign-in on a busy node: a sweep only every 64th call on average.
    if (RANDOM.nextInt(64) == 0) ATTEMPTS.entrySet().removeIf(e -> now - e.getValue().settledAt > REMEMBER_MS);
  }
}
