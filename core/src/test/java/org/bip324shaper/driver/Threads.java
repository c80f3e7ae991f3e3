package org.bip324shaper.driver;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.bip324shaper.core.testing.Await;

/**
 * What threads are doing, for tests that must wait until one is blocked (a pending read, a writer stuck behind a
 * peer that stopped reading) or check which threads a driver started and ended, by name instead of counting.
 */
final class Threads {
    /** The prefix of every thread the drivers start (decoy threads, the shared tick timer). */
    static final String DRIVER_PREFIX = "bip324-";
    /** The JDK's socket implementation (17 and 25), where a blocked socket read or write parks. */
    private static final String SOCKET_IMPL = "sun.nio.ch.NioSocketImpl";

    private Threads() {
    }

    /** The live threads whose names start with {@code prefix}. */
    static Set<Thread> named(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .collect(Collectors.toSet());
    }

    /** Every live thread. */
    static Set<Thread> live() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    static String names(Set<Thread> threads) {
        return threads.stream().map(Thread::getName).sorted().collect(Collectors.joining(", ", "[", "]"));
    }

    /** Waits until every thread in {@code threads} has ended. */
    static void awaitEnded(String what, Set<Thread> threads) {
        Await.until(what + " ended", () -> threads.stream().noneMatch(Thread::isAlive),
                () -> "still alive: " + names(threads.stream().filter(Thread::isAlive).collect(Collectors.toSet())));
    }

    /** Runs {@code task} on {@code pool}; the returned thread future completes once the task started on it. */
    static <T> Started<T> start(ExecutorService pool, java.util.concurrent.Callable<T> task) {
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        Future<T> result = pool.submit(() -> {
            thread.complete(Thread.currentThread());
            return task.call();
        });
        return new Started<>(thread, result);
    }

    record Started<T>(CompletableFuture<Thread> thread, Future<T> result) {
    }

    /**
     * Whether {@code t} is blocked inside a call to {@code method} of {@code owner}: waiting on a lock or a future, or
     * parked until its socket is readable or writable, with that method on its stack.
     */
    static boolean blockedIn(Thread t, Class<?> owner, String method) {
        StackTraceElement[] stack = t.getStackTrace();
        Thread.State state = t.getState();
        boolean waiting = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                || state == Thread.State.BLOCKED || hasFrame(stack, SOCKET_IMPL, "park");
        return waiting && hasFrame(stack, owner.getName(), method);
    }

    /** Waits until {@code t} is blocked inside {@code owner.method} (see {@link #blockedIn}). */
    static void awaitBlockedIn(Thread t, Class<?> owner, String method) {
        Await.until(t.getName() + " is blocked in " + owner.getSimpleName() + "." + method,
                () -> blockedIn(t, owner, method), () -> describe(t));
    }

    /**
     * Waits until {@code t}, inside {@code owner.method}, is parked in a socket write until the socket takes more
     * bytes: its send buffer and the peer's receive buffer are full. (Once the socket timed a read, as the drivers'
     * handshake does, the JDK's socket is non-blocking and a write that cannot go on parks there.)
     */
    static void awaitWriteBlockedIn(Thread t, Class<?> owner, String method) {
        Await.until(t.getName() + " waits in " + owner.getSimpleName() + "." + method + " for the socket to take "
                + "more bytes", () -> {
                    StackTraceElement[] stack = t.getStackTrace();
                    return hasFrame(stack, SOCKET_IMPL, "park") && hasFrame(stack, SOCKET_IMPL, "implWrite")
                            && hasFrame(stack, owner.getName(), method);
                }, () -> describe(t));
    }

    private static boolean hasFrame(StackTraceElement[] stack, String className, String method) {
        return Arrays.stream(stack).anyMatch(f -> f.getClassName().equals(className) && f.getMethodName().equals(method));
    }

    /** The thread's state and its top frames, for a failure message. */
    static String describe(Thread t) {
        return t.getName() + " " + t.getState() + " at " + Arrays.stream(t.getStackTrace()).limit(12)
                .map(StackTraceElement::toString).collect(Collectors.joining(" < "));
    }
}
