package org.sockstack.drivers.posix;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs code with the calling thread inside another network namespace ({@code setns(2)} with
 * {@code CLONE_NEWNET}), then puts the thread back where it was.
 *
 * <p>Why: a packet socket (pcap), a TAP device or any other socket belongs to the namespace of the
 * thread that created it, and keeps belonging there afterwards. So a JVM can open a capture on an
 * interface that lives in a lab namespace by entering it for the duration of the open call only;
 * the descriptor it got stays usable from any thread.
 *
 * <p>Only the calling thread moves (Linux namespaces are per thread). Virtual threads are refused:
 * {@code setns} would move their carrier thread, which runs other virtual threads too.
 * Entering a namespace needs CAP_SYS_ADMIN (root).
 */
public final class Netns {
    /** {@code CLONE_NEWNET} from {@code <sched.h>}: the namespace type for {@code setns}. */
    public static final int CLONE_NEWNET = 0x4000_0000;
    /** Where {@code ip netns add NAME} keeps the namespace's bind-mounted handle. */
    public static final Path NAMED_NAMESPACES = Path.of("/var/run/netns");
    /** The calling thread's own network namespace (not {@code /proc/self}, which is the main thread's). */
    private static final String THREAD_NAMESPACE = "/proc/thread-self/ns/net";
    private static final int O_RDONLY = 0;

    /** The one system call jnr's {@link LibC} binding does not carry. */
    public interface SetnsLib {
        @SaveError
        int setns(int fd, int nstype);
    }

    private Netns() {
    }

    /** The handle of the namespace {@code ip netns add name} created. */
    public static Path named(String name) {
        return NAMED_NAMESPACES.resolve(Objects.requireNonNull(name));
    }

    /**
     * Runs {@code action} on the calling (platform) thread inside the network namespace whose
     * handle is {@code namespaceFile} (e.g. {@link #named}), and returns the thread to its
     * original namespace afterwards, also when {@code action} throws.
     *
     * @throws NetnsException if the namespace cannot be entered, or (fatal for this thread) left
     */
    public static <T> T callIn(Path namespaceFile, Supplier<T> action) {
        Objects.requireNonNull(action);
        if (Thread.currentThread().isVirtual()) {
            throw new NetnsException("cannot enter a network namespace from a virtual thread: "
                    + "setns(2) would move its carrier thread; use a platform thread", 0);
        }
        LibC libc = LibC.get();
        int saved = openNamespace(THREAD_NAMESPACE, "the current network namespace");
        try {
            int target = openNamespace(namespaceFile.toString(), "network namespace " + namespaceFile);
            try {
                enter(target, "cannot enter network namespace " + namespaceFile);
            } finally {
                libc.close(target);
            }
            try {
                return action.get();
            } finally {
                // If this fails the thread would keep running in the lab namespace: say so loudly.
                enter(saved, "cannot return the thread to its original network namespace");
            }
        } finally {
            libc.close(saved);
        }
    }

    /** Runs {@code action} inside the namespace, see {@link #callIn}. */
    public static void runIn(Path namespaceFile, Runnable action) {
        callIn(namespaceFile, () -> {
            action.run();
            return null;
        });
    }

    /**
     * An identifier of the calling thread's network namespace (device and inode of its handle,
     * as {@code readlink /proc/thread-self/ns/net} prints it, e.g. {@code net:[4026531840]}).
     */
    public static String currentNamespaceId() {
        try {
            return Files.readSymbolicLink(Path.of(THREAD_NAMESPACE)).toString();
        } catch (IOException e) {
            throw new NetnsException("cannot read " + THREAD_NAMESPACE + ": " + e.getMessage(), 0);
        }
    }

    private static int openNamespace(String path, String what) {
        int fd = LibC.get().open(path, O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            int err = LibC.errno();
            String hint = err == LibC.ENOENT ? "; does it exist (ip netns list)?" : "";
            throw new NetnsException("cannot open " + what + ": " + LibC.describe(err) + hint, err);
        }
        return fd;
    }

    private static void enter(int fd, String failure) {
        SetnsLib lib = Holder.SETNS;
        if (lib.setns(fd, CLONE_NEWNET) != 0) {
            int err = Runtime.getRuntime(lib).getLastError();
            String hint = err == LibC.EPERM ? "; entering a namespace needs root (CAP_SYS_ADMIN)" : "";
            throw new NetnsException(failure + ": " + LibC.describe(err) + hint, err);
        }
    }

    /** Entering or leaving a namespace failed; the message says why. */
    public static final class NetnsException extends RuntimeException {
        private final int errno;

        public NetnsException(String message, int errno) {
            super(message);
            this.errno = errno;
        }

        /** The C errno behind the failure, or 0. */
        public int errno() {
            return errno;
        }
    }

    private static final class Holder {
        static final SetnsLib SETNS = LibraryLoader.create(SetnsLib.class).load("c");

        private Holder() {
        }
    }
}
